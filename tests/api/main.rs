//! One test binary: the service as a client sees it, on SQLite and on PostgreSQL.

#[macro_use]
mod support;

mod access;
mod browser;
mod browser_exam;
mod catalogue;
mod check_rules;
mod cli;
mod clients;
mod concurrency;
mod contract;
mod copy;
mod errors;
mod evidence_pdfs;
mod exam_pages;
mod examinations;
mod import;
mod import_live;
mod item_clock;
mod item_clock_migration;
mod items;
mod labels;
mod lifecycle;
mod operator_logs;
mod operator_metrics;
mod operator_stop;
mod pages;
mod postgres;
mod recalls;
mod reminders;
mod review_db;
mod review_desk;
mod review_mail;
mod review_privacy;
mod review_signin;
mod scan;
mod served;
mod shape_html;
mod shape_names;
mod shape_rules;
mod shape_types;
mod smtp;
mod starter;
mod welcome;
