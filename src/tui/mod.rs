//! Terminal front end.
