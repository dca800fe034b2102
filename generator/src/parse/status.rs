//! The success status sentence: "If successful, this method returns a `201 Created` response code".

use regex::Regex;
use std::sync::OnceLock;

/// Finds the documented success status in a sentence of the Response section.
pub fn success_status(text: &str) -> Option<u16> {
    statuses(text).next()
}

/// Every status a text says the method returns, in order.
pub fn statuses(text: &str) -> impl Iterator<Item = u16> + '_ {
    status_regex()
        .into_iter()
        .flat_map(move |regex| regex.captures_iter(text))
        .filter_map(|captures| captures.get(1)?.as_str().parse().ok())
}

/// The documented success status of a Response section: the first 2xx it states
/// (report pages state a `302 Found` for CSV and a `200 OK` for JSON), else the first.
pub fn documented_status<'a>(texts: impl IntoIterator<Item = &'a str>) -> Option<u16> {
    let all: Vec<u16> = texts.into_iter().flat_map(statuses).collect();
    all.iter()
        .copied()
        .find(|s| (200..300).contains(s))
        .or(all.first().copied())
}

fn status_regex() -> Option<&'static Regex> {
    static STATUS: OnceLock<Option<Regex>> = OnceLock::new();
    STATUS
        .get_or_init(|| {
            Regex::new(r"(?i)(?:returns?|response (?:is|will be)|responds with)\s+(?:an?\s+|the\s+)?`?\s*([1-5]\d\d)\b").ok()
        })
        .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_status_in_common_sentences() {
        assert_eq!(
            success_status("If successful, this method returns a `201 Created` response code and a [x](x.md) object."),
            Some(201)
        );
        assert_eq!(
            success_status("If successful, this action returns a `204 No Content` response code."),
            Some(204)
        );
        assert_eq!(
            success_status("If successful, this method returns `200 OK` and a collection."),
            Some(200)
        );
        assert_eq!(
            success_status("returns an 202 Accepted response"),
            Some(202)
        );
        assert_eq!(
            success_status("this method returns the `204 No Content` response code"),
            Some(204)
        );
        assert_eq!(
            success_status("If successful, the response is `204 No Content`."),
            Some(204)
        );
        assert_eq!(
            success_status("The response will be `201 Created`."),
            Some(201)
        );
        assert_eq!(success_status("Nothing here."), None);
        assert_eq!(
            documented_status([
                "If successful, this method returns a `302 Found` response that redirects to a download URL.",
                "If successful, this method returns a `200 OK` response code and a JSON object.",
            ]),
            Some(200)
        );
    }
}
