"""The package's version: always the version of the Rust crate it bundles."""

__version__ = "0.2.0"
