//! Integration tests of the emulator, in-process and on tokio's paused clock.

mod binary;
mod control;
mod faults;
mod gate;
mod harness;
mod persistence;
mod projects;
mod schema;
mod schemas;
mod users;
