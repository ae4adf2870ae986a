//! The GraphiQL playground, served from the binary: React, GraphiQL and
//! graphql-ws production builds vendored from the npm registry at pinned
//! versions (`graphiql/MANIFEST`, refreshed by `scripts/vendor-graphiql.sh`,
//! licences beside them). It works offline and behind a proxy: the page
//! loads nothing from anywhere else (its Content-Security-Policy says so),
//! each asset carries its integrity hash, and asset URLs hold a digest of
//! their content, so they are cached for a year and never go stale.

use base64::Engine;
use sha2::{Digest, Sha256, Sha384};
use std::sync::OnceLock;

/// One file the page loads.
pub struct Asset {
    /// `/graphiql/<digest>/<name>`.
    pub path: String,
    pub content_type: &'static str,
    pub body: &'static [u8],
    /// Subresource integrity: `sha384-<base64>`.
    pub integrity: String,
}

pub struct Playground {
    /// The page, at GET /graphql for a browser.
    pub page: String,
    pub assets: Vec<Asset>,
}

/// The vendored files, in the order the page loads them.
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("graphiql/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        JS,
        include_bytes!("graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        JS,
        include_bytes!("graphiql/react-dom.production.min.js"),
    ),
    (
        "graphql-ws.min.js",
        JS,
        include_bytes!("graphiql/graphql-ws.min.js"),
    ),
    (
        "graphiql.min.js",
        JS,
        include_bytes!("graphiql/graphiql.min.js"),
    ),
];

const JS: &str = "text/javascript; charset=utf-8";

/// The versions served, as vendored.
pub const MANIFEST: &str = include_str!("graphiql/MANIFEST");

/// The page's policy: everything from this server, nothing from elsewhere.
/// GraphiQL sets styles inline and draws icons from `data:` URLs.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
     connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

fn asset(name: &str, content_type: &'static str, body: &'static [u8]) -> Asset {
    let digest = Sha256::digest(body);
    let short: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    Asset {
        path: format!("/graphiql/{short}/{name}"),
        content_type,
        body,
        integrity: format!(
            "sha384-{}",
            base64::engine::general_purpose::STANDARD.encode(Sha384::digest(body))
        ),
    }
}

/// Starts the editor on `first_query`, against this server's /graphql
/// (and /graphql/ws for subscriptions). A file, not an inline script, so
/// the policy can forbid inline scripts.
fn start_script(first_query: &str) -> String {
    let query = serde_json::to_string(first_query).unwrap_or_else(|_| "\"\"".into());
    format!(
        r#"(function () {{
  var url = new URL("/graphql", window.location.href).href;
  var fetcher = GraphiQL.createFetcher({{
    url: url,
    wsClient: graphqlWs.createClient({{ url: url.replace(/^http/, "ws") + "/ws", lazy: true }})
  }});
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, {{
    fetcher: fetcher,
    defaultQuery: {query},
    defaultEditorToolsVisibility: true
  }}));
}})();
"#
    )
}

impl Playground {
    /// Built once per process: hashing the 4 MB of assets takes milliseconds.
    pub fn get(first_query: &str) -> &'static Playground {
        static P: OnceLock<Playground> = OnceLock::new();
        P.get_or_init(|| Playground::build(first_query))
    }

    fn build(first_query: &str) -> Playground {
        let mut assets: Vec<Asset> = FILES.iter().map(|(n, t, b)| asset(n, t, b)).collect();
        let start: &'static [u8] = start_script(first_query).into_bytes().leak();
        assets.push(asset("claimgraph.js", JS, start));
        let tags: String = assets
            .iter()
            .map(|a| {
                if a.content_type.starts_with("text/css") {
                    format!(
                        r#"<link rel="stylesheet" href="{}" integrity="{}" crossorigin="anonymous">"#,
                        a.path, a.integrity
                    )
                } else {
                    format!(
                        r#"<script src="{}" integrity="{}" crossorigin="anonymous"></script>"#,
                        a.path, a.integrity
                    )
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let page = format!(
            r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>claimgraph · GraphiQL</title>
<style>html, body {{ height: 100%; margin: 0; }} #graphiql {{ height: 100vh; }}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
{tags}
</body>
</html>
"#
        );
        Playground { page, assets }
    }

    pub fn asset(&self, path: &str) -> Option<&Asset> {
        self.assets.iter().find(|a| a.path == path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_only_its_own_assets_each_with_its_integrity() {
        let p = Playground::build("{ stats { articles } }");
        assert!(!p.page.contains("http://") && !p.page.contains("https://"));
        assert!(!p.page.contains("<script>"), "no inline script");
        for a in &p.assets {
            assert!(p.page.contains(&format!("\"{}\"", a.path)), "{}", a.path);
            assert!(p.page.contains(&a.integrity));
            assert!(a.integrity.starts_with("sha384-") && a.integrity.len() == 7 + 64);
        }
        let start = p.assets.last().unwrap();
        let js = std::str::from_utf8(start.body).unwrap();
        assert!(js.contains(r#"defaultQuery: "{ stats { articles } }""#));
    }

    #[test]
    fn an_asset_path_changes_with_its_content() {
        let a = Playground::build("{ a }");
        let b = Playground::build("{ b }");
        assert_ne!(a.assets.last().unwrap().path, b.assets.last().unwrap().path);
        assert_eq!(a.assets[0].path, b.assets[0].path);
    }

    #[test]
    fn the_manifest_names_every_vendored_package_at_a_pinned_version() {
        for pkg in ["graphiql@", "react@", "react-dom@", "graphql-ws@"] {
            let line = MANIFEST.lines().find(|l| l.starts_with(pkg)).unwrap();
            assert!(line.contains(" sha512-"), "{line}");
        }
    }
}
