//! The HTTP transport: authentication, rate limiting and retries.
//!
//! Every request of a [`Client`] and of its clones goes through one shared
//! [`RateLimiter`](crate::ratelimit::RateLimiter). Idempotent requests (GET, PATCH, DELETE)
//! are retried on 429, 5xx and transport errors, honouring `Retry-After` when the server
//! sends it. A POST is re-sent only after a 429, which the service answers before acting on
//! the request. After a 5xx or a lost answer the service may have acted on it, so the error
//! goes back to the caller, who can look for the object before trying again.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use crate::config::{ClientConfig, check_base_url};
use crate::envelope::{self, Call, Envelope};
use crate::error::Error;
use crate::models::{Operation, Page, PageRequest};
use crate::ratelimit::RateLimiter;
use crate::wait::backoff_delay;

/// A client of the Infomaniak API; clones share the connection pool and the rate limiter.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    limiter: RateLimiter,
    max_retries: u32,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .finish_non_exhaustive()
    }
}

/// Any answer, as read off the wire.
struct Raw {
    status: u16,
    retry_after: Option<Duration>,
    content_type: String,
    body: Vec<u8>,
}

/// A 2xx answer, before its body is interpreted.
pub(crate) struct Answer {
    pub call: Call,
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as an API envelope.
    pub fn envelope(&self) -> Result<Envelope, Error> {
        envelope::parse_success(&self.call, self.status, &self.body)
    }
}

impl Client {
    /// Builds a client; refuses plain http to anything but this machine.
    pub fn new(config: ClientConfig) -> Result<Client, Error> {
        let base_url = check_base_url(&config.base_url)?;

        check_token(&config.token)?;
        let mut token =
            HeaderValue::from_str(&format!("Bearer {}", config.token)).map_err(|_| {
                Error::InvalidConfig {
                    reason: "the API token is malformed: it holds characters not allowed in \
                             an HTTP header"
                        .into(),
                }
            })?;
        // Keeps the value out of reqwest's and hyper's own debug output.
        token.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, token);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));

        let mut builder = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(config.user_agent.clone())
            .connect_timeout(Duration::from_secs(30));
        if let Some(timeout) = config.request_timeout {
            builder = builder.timeout(timeout);
        }
        let http = builder.build().map_err(|e| Error::InvalidConfig {
            reason: format!("cannot build the HTTP client: {e}"),
        })?;

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                limiter: RateLimiter::new(config.requests_per_minute),
                max_retries: config.max_retries,
            }),
        })
    }

    /// The API root this client talks to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends one request with limiting and retries, and returns its 2xx answer.
    pub(crate) async fn execute(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<Vec<u8>>,
    ) -> Result<Answer, Error> {
        let call = Call::new(method.as_str(), path);
        let idempotent = method != Method::POST;
        let url = format!("{}{}", self.inner.base_url, path);
        let mut attempt: u32 = 0;

        loop {
            attempt += 1;
            let may_retry = idempotent && attempt <= self.inner.max_retries;
            // A 429 refuses the request before the service acts on it: safe to send again.
            let may_retry_refused = attempt <= self.inner.max_retries;
            self.inner.limiter.acquire().await;

            // One HTTP exchange; no answer at all is retried only when safe to send twice.
            let started = Instant::now();
            let result = self.exchange(&method, &url, query, body.as_deref()).await;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            let Raw {
                status,
                retry_after,
                content_type,
                body: bytes,
            } = match result {
                Ok(raw) => raw,
                Err(source) => {
                    let source = source.without_url();
                    tracing::debug!(
                        method = %method, path, elapsed_ms, attempt, error = %source,
                        "HTTP call failed"
                    );
                    if may_retry {
                        let delay = retry_delay(attempt, None);
                        tracing::warn!(
                            method = %method, path, attempt, error = %source,
                            delay_ms = delay.as_millis() as u64,
                            "retrying after transport error"
                        );
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    return Err(Error::Transport {
                        method: call.method,
                        path: call.path,
                        source,
                    });
                }
            };
            tracing::debug!(method = %method, path, status, elapsed_ms, attempt, "HTTP call");

            // 429: hold back the whole client, then retry through the limiter.
            if status == 429 {
                let pause = self.inner.limiter.pause_after_rate_limit(retry_after);
                if may_retry_refused {
                    tracing::warn!(
                        method = %method, path, attempt,
                        pause_ms = pause.as_millis() as u64,
                        retry_after_s = retry_after.map(|d| d.as_secs()),
                        "rate limited; pausing all requests, then retrying"
                    );
                    continue;
                }
                return Err(Error::RateLimited {
                    method: call.method,
                    path: call.path,
                    retry_after,
                    attempts: attempt,
                });
            }
            self.inner.limiter.note_not_limited();

            if (200..300).contains(&status) {
                return Ok(Answer {
                    call,
                    status,
                    content_type,
                    body: bytes,
                });
            }

            let err = envelope::parse_failure(&call, status, &bytes);
            if status >= 500 && may_retry {
                let delay = retry_delay(attempt, retry_after);
                tracing::warn!(
                    method = %method, path, attempt, status,
                    code = err.code().unwrap_or_default(),
                    delay_ms = delay.as_millis() as u64,
                    "retrying after server error"
                );
                tokio::time::sleep(delay).await;
                continue;
            }
            return Err(err);
        }
    }

    /// Sends one request and reads its whole answer, whatever the status.
    async fn exchange(
        &self,
        method: &Method,
        url: &str,
        query: &[(&str, String)],
        body: Option<&[u8]>,
    ) -> Result<Raw, reqwest::Error> {
        let mut request = self.inner.http.request(method.clone(), url).query(query);
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        let response = request.send().await?;

        let status = response.status().as_u16();
        let retry_after = parse_retry_after(response.headers());
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.bytes().await?.to_vec();
        Ok(Raw {
            status,
            retry_after,
            content_type,
            body,
        })
    }

    /// GETs `path` and returns its envelope.
    pub(crate) async fn get_envelope(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<(Call, Envelope), Error> {
        let answer = self.execute(Method::GET, path, query, None).await?;
        let envelope = answer.envelope()?;
        Ok((answer.call, envelope))
    }

    /// GETs `path` and decodes its `data`.
    pub(crate) async fn get_data<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, Error> {
        let (call, envelope) = self.get_envelope(path, query).await?;
        envelope.into_data(&call)
    }

    /// GETs one page of the list at `path`, always sending `page` and `per_page`.
    pub(crate) async fn get_page<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        page: PageRequest,
    ) -> Result<Page<T>, Error> {
        let mut full: Vec<(&str, String)> = query.to_vec();
        full.push(("page", page.page.max(1).to_string()));
        full.push(("per_page", page.per_page.max(1).to_string()));
        let (call, envelope) = self.get_envelope(path, &full).await?;
        envelope.into_page(&call, page.page.max(1))
    }

    /// GETs every page of the list at `path`, `PageRequest::MAX_PER_PAGE` items at a time.
    pub(crate) async fn get_all<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        let mut request = PageRequest::default();
        loop {
            let page: Page<T> = self.get_page(path, query, request).await?;
            let short = (page.items.len() as u32) < request.per_page;
            items.extend(page.items);
            // Stop on the last page by the counters, or on a short page if they lie.
            if page.page >= page.pages || short {
                return Ok(items);
            }
            request.page += 1;
        }
    }

    /// Sends a write (POST, PATCH, DELETE) and returns its operation.
    pub(crate) async fn write<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<Operation<T>, Error> {
        let call = Call::new(method.as_str(), path);
        let bytes = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| call.decode(format!("cannot encode the request body: {e}")))?;
        let answer = self.execute(method, path, &[], bytes).await?;
        answer.envelope()?.into_operation(&answer.call)
    }
}

/// Refuses a token that cannot be one, saying what is wrong with it but never showing it.
///
/// Tokens are printable ASCII; whitespace most often comes from a file or a paste that
/// kept its final newline, which a server would otherwise answer with a bare 401.
fn check_token(token: &str) -> Result<(), Error> {
    let malformed = |what: &str| Error::InvalidConfig {
        reason: format!("the API token is malformed: {what}"),
    };
    if token.trim() != token {
        return Err(malformed(
            "it starts or ends with whitespace (such as the newline at the end of a file)",
        ));
    }
    if token.chars().any(char::is_whitespace) {
        return Err(malformed("it contains whitespace"));
    }
    if token.chars().any(char::is_control) {
        return Err(malformed("it contains control characters"));
    }
    if !token.is_ascii() {
        return Err(malformed(
            "it contains characters other than printable ASCII",
        ));
    }
    Ok(())
}

/// `Retry-After` in seconds; the HTTP-date form is not used by this API and is ignored.
fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The pause before retry number `attempt` (from 1): the server's word, or a jittered
/// exponential back-off from half a second up to half a minute.
fn retry_delay(attempt: u32, retry_after: Option<Duration>) -> Duration {
    retry_after.unwrap_or_else(|| {
        let unit: f64 = rand::Rng::random(&mut rand::rng());
        backoff_delay(
            attempt.saturating_sub(1),
            Duration::from_millis(500),
            Duration::from_secs(30),
            unit,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEFAULT_BASE_URL;

    #[test]
    fn config_debug_hides_token() {
        let config = ClientConfig::new(DEFAULT_BASE_URL, "tok-very-secret");
        assert!(!format!("{config:?}").contains("tok-very-secret"));
        let client = Client::new(config).unwrap();
        assert!(!format!("{client:?}").contains("tok-very-secret"));
    }

    #[test]
    fn malformed_token_is_refused_without_being_shown() {
        for token in [
            "tok-secret\n",
            " tok-secret",
            "tok secret",
            "tok\tsecret",
            "tok\u{7f}secret",
            "tok\u{0}secret",
            "tok-sécret",
        ] {
            let err = Client::new(ClientConfig::new(DEFAULT_BASE_URL, token)).unwrap_err();
            let text = err.to_string();
            assert!(matches!(err, Error::InvalidConfig { .. }), "{err:?}");
            assert!(text.contains("the API token is malformed"), "{text}");
            assert!(
                !text.contains("secret") && !text.contains("sécret"),
                "{text}"
            );
            assert!(!format!("{err:?}").contains("secret"));
        }
    }

    #[test]
    fn retry_after_is_read_in_seconds() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(parse_retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(parse_retry_after(&headers), None);
        assert_eq!(
            retry_delay(3, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert!(retry_delay(40, None) <= Duration::from_secs(30));
    }
}
