//! The strategy templates shipped with Flow (`examples/*.flow`), embedded so `flowc new`
//! and `flowc templates` work wherever the binary is installed.

/// One template: its name (the file stem and workflow name) and its source.
#[derive(Debug, Clone, Copy)]
pub struct Template {
    pub name: &'static str,
    pub source: &'static str,
}

macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        /// Every template, in alphabetical order.
        pub const TEMPLATES: &[Template] = &[
            $(Template { name: $name, source: include_str!(concat!("../../examples/", $name, ".flow")) },)*
        ];
    };
}

templates!(
    "bollinger_bands",
    "cross_exchange_arbitrage",
    "delta_neutral",
    "ema_cross",
    "funding_rate_arbitrage",
    "gpu_capacity",
    "grid_trading",
    "macd_crossover",
    "market_making",
    "rsi_mean_reversion",
    "support_resistance",
    "volume_spike",
);

impl Template {
    /// The first sentence of the workflow's `///` doc comment: a one-line description.
    pub fn summary(&self) -> String {
        let doc: Vec<&str> = self
            .source
            .lines()
            .map(str::trim)
            .take_while(|l| l.starts_with("///"))
            .map(|l| l.trim_start_matches('/').trim())
            .collect();
        let text = doc.join(" ");
        match text.find(". ") {
            Some(end) => text[..=end].to_owned(),
            None => text,
        }
    }

    /// The template's source with its workflow renamed to `new_name`.
    pub fn instantiate(&self, new_name: &str) -> String {
        self.source.replacen(
            &format!("workflow {} {{", self.name),
            &format!("workflow {new_name} {{"),
            1,
        )
    }
}

/// The template called `name`.
pub fn find(name: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_has_a_summary_and_renames() {
        for t in TEMPLATES {
            assert!(!t.summary().is_empty(), "{} has no doc comment", t.name);
            let renamed = t.instantiate("mine");
            assert!(
                renamed.contains("workflow mine {"),
                "{} did not rename",
                t.name
            );
        }
    }
}
