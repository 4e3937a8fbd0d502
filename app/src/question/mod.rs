//! Questions on wiki pages: asked, answered, reopened, linked to a decision. Shown on
//! their page (`crate::page`); their server functions keep the `pages/questions/…` paths.

pub mod api;
pub mod page;
