"""The package's version: always the version of the Rust crate it bundles."""

__version__ = "0.1.0"
