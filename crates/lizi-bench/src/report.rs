//! The figures a scenario reports: with a target or without.

use crate::Figure;

/// A figure with a target.
pub(crate) fn judged(name: &str, value: String, target: &str, met: bool) -> Figure {
    Figure {
        name: name.into(),
        value,
        target: target.into(),
        met: Some(met),
    }
}

/// A ratio with a target, to two decimals.
pub(crate) fn ratio(name: &str, value: f64, target: &str, met: bool) -> Figure {
    judged(name, format!("{value:.2}"), target, met)
}

/// A figure without a target.
pub(crate) fn info(name: &str, value: String) -> Figure {
    Figure {
        name: name.into(),
        value,
        target: String::new(),
        met: None,
    }
}
