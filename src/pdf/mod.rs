//! PDF files written by hand: the file format (`writer`, shared with the label sheets), the
//! width of Helvetica text (`metrics`), a text document with headings and page numbers
//! (`document`), and the evidence an inspector asks for (`evidence`: the LOLER Schedule 1
//! report of one examination, an item's whole record), and the delivery or collection note of a
//! hand-over (`handover_note`, the one document with a picture: the signature).

pub mod document;
pub mod evidence;
pub mod handover_note;
mod metrics;
pub mod writer;
