//! Link-time settings only; nothing is generated.

fn main() {
    // The binary links Typst, tantivy and mdBook: a great many pointers in
    // its data that a position-independent executable must relocate at every
    // start, a large share of a small handbook's whole build (measured in the
    // README's "Speed and scale"). Linked at a fixed address, as Go links its
    // binaries (Hugo's among them), the loader has nothing to relocate. The
    // cost is that the executable's own image is not placed at a random
    // address; libraries, heap and stacks still are, and the code is safe Rust.
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
