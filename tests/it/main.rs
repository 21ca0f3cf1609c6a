//! One integration-test binary over fixture handbooks (as mdBook's own suite).

mod architecture;
mod authoring;
mod browser;
mod cdp;
mod cli;
mod common;
mod escaping;
#[cfg(feature = "pdf")]
mod exam;
mod fidelity;
mod firefox;
#[path = "../search/forms.rs"]
mod forms;
mod fuzz;
mod hostile;
mod invalid;
mod learn;
mod marionette;
#[cfg(feature = "pdf")]
mod print;
mod queries;
mod quiz;
mod quiz_browser;
mod scale;
mod search;
mod serve;
mod site;
