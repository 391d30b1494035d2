//! The bilingual article: sections of prose, formulas and live widgets, in the primer's order.

pub mod content;
