//! Link-time settings only; nothing is generated.

fn main() {
    // The binary links Typst, tantivy and mdBook: some 120,000 pointers in
    // its data that a position-independent executable must relocate at every
    // start, writing 2 MB of pages (4.6 ms, or 2.6 ms with packed relocations,
    // for a command whose whole work on a small handbook takes 15). Linked at a
    // fixed address, as Go links its binaries (Hugo's among them), the loader
    // has nothing to relocate and `handbook` starts in 1.3 ms. The cost is
    // that the executable's own image is not placed at a random address;
    // libraries, heap and stacks still are, and the code is safe Rust.
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
