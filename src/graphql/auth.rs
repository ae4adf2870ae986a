//! Who may write: decided per request from its `Authorization` header, and
//! checked by a guard on every mutation.

use super::error::{coded, Result, FORBIDDEN, UNAUTHENTICATED};

/// Who may write, decided per request from its `Authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No token is configured: writes are open.
    Open,
    /// The request carries the configured token.
    Granted,
    /// A token is configured and the request has none.
    Missing,
    /// A token is configured and the request's is wrong.
    Wrong,
}

impl Access {
    /// Compares in constant time (over digests, so lengths do not leak either).
    pub fn decide(configured: Option<&str>, header: Option<&str>) -> Access {
        use sha2::{Digest, Sha256};
        let Some(token) = configured else {
            return Access::Open;
        };
        let Some(given) = header.and_then(|h| h.strip_prefix("Bearer ")) else {
            return Access::Missing;
        };
        let (a, b) = (
            Sha256::digest(token.as_bytes()),
            Sha256::digest(given.trim().as_bytes()),
        );
        let diff = a
            .iter()
            .zip(b.iter())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y));
        if diff == 0 {
            Access::Granted
        } else {
            Access::Wrong
        }
    }
}

/// Guards every mutation.
pub struct WriteAccess;

impl async_graphql::Guard for WriteAccess {
    async fn check(&self, ctx: &async_graphql::Context<'_>) -> Result<()> {
        match ctx.data_opt::<Access>().copied().unwrap_or(Access::Open) {
            Access::Open | Access::Granted => Ok(()),
            Access::Missing => Err(coded(
                UNAUTHENTICATED,
                "writes need `Authorization: Bearer <token>`",
            )),
            Access::Wrong => Err(coded(FORBIDDEN, "the token is not valid")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_needs_the_exact_bearer_token_only_when_one_is_configured() {
        assert_eq!(Access::decide(None, None), Access::Open);
        assert_eq!(Access::decide(Some("s3cret"), None), Access::Missing);
        assert_eq!(
            Access::decide(Some("s3cret"), Some("s3cret")),
            Access::Missing
        );
        assert_eq!(
            Access::decide(Some("s3cret"), Some("Bearer s3cre")),
            Access::Wrong
        );
        assert_eq!(
            Access::decide(Some("s3cret"), Some("Bearer s3cret")),
            Access::Granted
        );
    }
}
