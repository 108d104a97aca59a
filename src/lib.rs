//! equiptrack: the equipment and telecare register of a community equipment service.

pub mod api;
pub mod app;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod http;
pub mod jobs;
pub mod labels;
pub mod mail;
pub mod pdf;
pub mod service;
pub mod stop;
pub mod telemetry;
pub mod web;
pub mod words;
