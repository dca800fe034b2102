//! HTTP text blocks: the request section's path lines and example requests and responses.

/// HTTP methods docgen knows.
pub const METHODS: &[&str] = &["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS"];

/// `METHOD target` at the start of a line; the method is upper-cased. The target
/// is the rest of the line (it may hold spaces, as in `{id | userPrincipalName}` or
/// a `$filter`), without a trailing `HTTP/1.1`.
pub fn request_line(line: &str) -> Option<(String, String)> {
    let line = line.trim();
    let (method, rest) = line
        .split_once(char::is_whitespace)
        .or_else(|| glued_method(line))?;
    let method = method.to_ascii_uppercase();
    if !METHODS.contains(&method.as_str()) {
        return None;
    }
    let mut target = rest.trim();
    if let Some((before, version)) = target.rsplit_once(char::is_whitespace) {
        if version.to_ascii_uppercase().starts_with("HTTP/") {
            target = before.trim_end();
        }
    }
    (!target.is_empty()).then(|| (method, target.to_string()))
}

/// `DELETE/identity/x`: a method written without the space before its path.
pub fn glued_method(line: &str) -> Option<(&str, &str)> {
    let slash = line.find('/')?;
    let method = &line[..slash];
    METHODS
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method))
        .then(|| (method, &line[slash..]))
}

/// The body of an example, with the line where it starts in the block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    pub text: String,
    /// 0-based line offset of the body's first line within the block.
    pub line_offset: usize,
}

/// An example request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestExample {
    pub method: String,
    /// The URL as written (absolute or a path).
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Body>,
    /// The quirk of a blank line between the request line and the headers.
    pub blank_line_before_headers: bool,
}

/// An example response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseExample {
    pub status: Option<u16>,
    pub headers: Vec<(String, String)>,
    pub body: Option<Body>,
}

fn header_line(line: &str) -> Option<(String, String)> {
    let (name, value) = line.split_once(':')?;
    let name = name.trim();
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then(|| (name.to_string(), value.trim().to_string()))
}

/// Splits header lines and body after a start line at `lines[start]`.
fn headers_and_body(lines: &[&str], start: usize) -> (Vec<(String, String)>, Option<Body>, bool) {
    let mut index = start;
    let mut blank_before_headers = false;
    // Quirk: a blank line between the start line and headers that follow it.
    if lines.get(index).is_some_and(|l| l.trim().is_empty()) {
        let next = lines[index..].iter().position(|l| !l.trim().is_empty());
        if let Some(next) = next {
            if header_line(lines[index + next]).is_some() {
                blank_before_headers = true;
                index += next;
            }
        }
    }
    let mut headers = Vec::new();
    while let Some(line) = lines.get(index) {
        if line.trim().is_empty() {
            break;
        }
        match header_line(line) {
            Some(header) => headers.push(header),
            None => break,
        }
        index += 1;
    }
    while lines.get(index).is_some_and(|l| l.trim().is_empty()) {
        index += 1;
    }
    let body = lines
        .get(index..)
        .filter(|rest| !rest.is_empty())
        .map(|rest| Body {
            text: rest.join("\n"),
            line_offset: index,
        });
    let body = body.filter(|b| !b.text.trim().is_empty());
    (headers, body, blank_before_headers)
}

/// Parses an example request block. `None` when its first line is not `METHOD url`.
pub fn parse_request(text: &str) -> Option<RequestExample> {
    let lines: Vec<&str> = text.lines().collect();
    let first = lines.iter().position(|l| !l.trim().is_empty())?;
    let (method, url) = request_line(lines[first])?;
    let (headers, body, blank_line_before_headers) = headers_and_body(&lines, first + 1);
    Some(RequestExample {
        method,
        url,
        headers,
        body,
        blank_line_before_headers,
    })
}

/// Parses an example response block: a status line, headers and body, or a bare body.
pub fn parse_response(text: &str) -> ResponseExample {
    let lines: Vec<&str> = text.lines().collect();
    let Some(first) = lines.iter().position(|l| !l.trim().is_empty()) else {
        return ResponseExample {
            status: None,
            headers: Vec::new(),
            body: None,
        };
    };
    let status_line = lines[first].trim();
    if status_line.to_ascii_uppercase().starts_with("HTTP") {
        let status = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok());
        let (headers, body, _) = headers_and_body(&lines, first + 1);
        ResponseExample {
            status,
            headers,
            body,
        }
    } else {
        let (headers, body, _) = headers_and_body(&lines, first);
        ResponseExample {
            status: None,
            headers,
            body,
        }
    }
}

/// Whether a block's first line looks like a response status line.
pub fn is_response_text(text: &str) -> bool {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.trim_start().to_ascii_uppercase().starts_with("HTTP/"))
}

/// An example URL split into service root, path and query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitUrl {
    /// Scheme and host, when the URL is absolute (`https://graph.microsoft.com`).
    pub origin: String,
    /// Everything between the host and the query, normalised to `/` separators.
    pub path: String,
    pub query: Option<String>,
}

pub fn split_url(url: &str) -> SplitUrl {
    let (without_query, query) = match url.split_once('?') {
        Some((before, query)) => (before, Some(query.to_string())),
        None => (url, None),
    };
    let (origin, path) = match without_query.find("://") {
        Some(scheme_end) => {
            let after = &without_query[scheme_end + 3..];
            let host_end = after.find(['/', '\\']).unwrap_or(after.len());
            (
                without_query[..scheme_end + 3 + host_end].to_string(),
                after[host_end..].to_string(),
            )
        }
        None => (String::new(), without_query.to_string()),
    };
    SplitUrl {
        origin,
        path: path.replace('\\', "/"),
        query,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_with_headers_and_body() {
        let req = parse_request("POST https://graph.microsoft.com/beta/x\nContent-type: application/json\n\n{\n  \"a\": 1\n}\n").unwrap();
        assert_eq!(req.method, "POST");
        assert_eq!(req.url, "https://graph.microsoft.com/beta/x");
        assert_eq!(
            req.headers,
            vec![("Content-type".into(), "application/json".into())]
        );
        let body = req.body.unwrap();
        assert_eq!(body.text, "{\n  \"a\": 1\n}");
        assert_eq!(body.line_offset, 3);
        assert!(!req.blank_line_before_headers);
    }

    #[test]
    fn blank_line_before_headers_is_recognised() {
        let req = parse_request(
            "POST /x/assign\n\nContent-type: application/json\nContent-length: 5\n\n{}\n",
        )
        .unwrap();
        assert!(req.blank_line_before_headers);
        assert_eq!(req.headers.len(), 2);
        assert_eq!(req.body.unwrap().text, "{}");
    }

    #[test]
    fn request_line_keeps_spaces_in_the_target() {
        assert_eq!(
            request_line("GET /users/{id | userPrincipalName}/messages HTTP/1.1"),
            Some((
                "GET".into(),
                "/users/{id | userPrincipalName}/messages".into()
            ))
        );
        assert_eq!(request_line("get /me"), Some(("GET".into(), "/me".into())));
        assert_eq!(request_line("FETCH /me"), None);
        assert_eq!(
            request_line("DELETE/me/x"),
            Some(("DELETE".into(), "/me/x".into()))
        );
        assert_eq!(request_line("GET"), None);
    }

    #[test]
    fn get_without_body() {
        let req = parse_request("GET https://graph.microsoft.com/v1.0/me\n").unwrap();
        assert_eq!(req.body, None);
        assert!(parse_request("not a request").is_none());
        assert!(parse_request("").is_none());
    }

    #[test]
    fn responses() {
        let res = parse_response(
            "HTTP/1.1 201 Created\nContent-Type: application/json\n\n{\"id\": \"1\"}\n",
        );
        assert_eq!(res.status, Some(201));
        assert_eq!(res.body.unwrap().text, "{\"id\": \"1\"}");
        let res = parse_response("HTTP/1.1 204 No Content\n");
        assert_eq!((res.status, res.body), (Some(204), None));
        let res = parse_response("{\"value\": []}");
        assert_eq!(res.status, None);
        assert!(res.body.is_some());
        assert!(is_response_text("\nHTTP/1.1 200 OK"));
    }

    #[test]
    fn urls_with_odd_roots() {
        let url = split_url("https://graph.microsoft.com/docs\\api/deviceManagement/x?$top=2");
        assert_eq!(url.origin, "https://graph.microsoft.com");
        assert_eq!(url.path, "/docs/api/deviceManagement/x");
        assert_eq!(url.query.as_deref(), Some("$top=2"));
        assert_eq!(split_url("/me/events").path, "/me/events");
    }
}
