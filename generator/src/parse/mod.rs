//! Page parsing: one Markdown page in, one [`Page`] out, every item located.
//!
//! The parser only reads structure (front matter, headings, annotations, code
//! blocks, tables, paragraphs); what that structure *means* is decided by the
//! model builder, so one reading of the page serves every command.

pub mod annotation;
pub mod front_matter;
pub mod http_example;
pub mod lenient_json;
pub mod line_index;
pub mod links;
pub mod markdown;
pub mod path_template;
pub mod status;

pub use markdown::{parse_page, Block, CodeBlock, Heading, Page, Paragraph, Table, TableCell};
