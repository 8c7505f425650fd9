//! Documented response statuses as `match` patterns.

use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn exact_codes<'a>(statuses: impl Iterator<Item = &'a str>) -> Vec<u16> {
    let mut codes: Vec<u16> = statuses.filter_map(|s| s.parse().ok()).collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// The match pattern of a documented status: its code; for a range (`4XX`), the range without
/// the codes in `exact`, which are documented on their own and matched before it (arms that
/// overlap are a clippy error in the generated crate); `_` for `default`.
pub(super) fn status_pattern(status: &str, exact: &[u16]) -> TokenStream {
    match status.as_bytes() {
        [digit, b'X', b'X'] | [digit, b'x', b'x'] => {
            let low = u16::from(digit - b'0') * 100;
            let high = low + 99;
            let span = |from: u16, to: u16| {
                let (from_literal, to_literal) = (
                    proc_macro2::Literal::u16_unsuffixed(from),
                    proc_macro2::Literal::u16_unsuffixed(to),
                );
                if from == to {
                    quote!(#from_literal)
                } else {
                    quote!(#from_literal..=#to_literal)
                }
            };
            let mut parts = Vec::new();
            let mut next = low;
            for &code in exact.iter().filter(|code| (low..=high).contains(*code)) {
                if code > next {
                    parts.push(span(next, code - 1));
                }
                next = code + 1;
            }
            if next <= high {
                parts.push(span(next, high));
            }
            if parts.is_empty() {
                // Every code of the range is documented on its own: the range adds nothing.
                parts.push(span(low, high));
            }
            quote!(#(#parts)|*)
        }
        _ if status == "default" => quote!(_),
        _ => {
            let code = proc_macro2::Literal::u16_unsuffixed(status.parse().unwrap_or_default());
            quote!(#code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_leaves_out_the_codes_documented_on_their_own() {
        let pattern = |status: &str, exact: &[u16]| status_pattern(status, exact).to_string();
        assert_eq!(
            pattern("2XX", &[200, 202, 299, 404]),
            quote!(201 | 203..=298).to_string()
        );
        assert_eq!(pattern("4XX", &[200]), quote!(400..=499).to_string());
        assert_eq!(pattern("404", &[404]), quote!(404).to_string());
        assert_eq!(pattern("default", &[404]), quote!(_).to_string());
    }
}
