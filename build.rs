//! Link-time settings only; nothing is generated.

fn main() {
    // The binary links Typst, tantivy and mdBook: some 120,000 relative
    // relocations, which the loader reads (2.9 MB) and applies at every start.
    // Packed (DT_RELR, glibc 2.36+, binutils 2.38+) they take a few kilobytes,
    // and `handbook build` on a small handbook starts twice as fast.
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
