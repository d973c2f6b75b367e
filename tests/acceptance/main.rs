//! Acceptance tests: the provider binary driven by the real Terraform CLI (and OpenTofu
//! where installed) against the API emulator.

mod harness;

mod drift;
mod faults;
mod import;
mod install;
mod interrupt;
mod lifecycle;
mod scale;
mod secrets;
mod validation;
mod write_only;
