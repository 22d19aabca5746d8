//! IAM errors as the engine reasons about them: an error code, a message, and whether it is
//! transient (worth the same call again).

use std::fmt;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};

/// A failed AWS call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The API operation (`CreateRole`).
    pub operation: &'static str,
    /// IAM's error code (`EntityAlreadyExists`), when the service answered.
    pub code: Option<String>,
    /// The message, or a description of the transport failure.
    pub message: String,
    /// The HTTP status, when there was a response.
    pub status: Option<u16>,
    /// True for failures worth retrying as is: no response, a timeout, throttling, a 5xx.
    pub transient: bool,
    /// True when no call was sent because the credentials could not be loaded (a missing
    /// profile, expired SSO session, no credentials at all): never transient.
    pub credentials: bool,
}

/// Throttling codes, as the SDK's standard retry classifier lists them (IAM's own
/// `LimitExceeded` is a quota, not throttling).
const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

impl ApiError {
    /// Converts an SDK error.
    pub fn from_sdk<E>(operation: &'static str, err: SdkError<E>) -> ApiError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let status = err.raw_response().map(|r| r.status().as_u16());
        match &err {
            SdkError::ServiceError(_) => {
                let code = err.code().map(str::to_owned);
                let message = err.message().unwrap_or_default().to_owned();
                let transient = status.is_some_and(|s| s >= 500 || s == 429)
                    || code.as_deref().is_some_and(|c| THROTTLING.contains(&c));
                ApiError {
                    operation,
                    code,
                    message,
                    status,
                    transient,
                    credentials: false,
                }
            }
            SdkError::TimeoutError(_) => ApiError {
                operation,
                code: None,
                message: "the call timed out".to_owned(),
                status,
                transient: true,
                credentials: false,
            },
            _ if credentials_failure(&err).is_some() => ApiError {
                operation,
                code: None,
                message: credentials_failure(&err).unwrap_or_default(),
                status,
                transient: false,
                credentials: true,
            },
            SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => ApiError {
                operation,
                code: None,
                message: format!("no usable response: {}", one_line(&err)),
                status,
                transient: true,
                credentials: false,
            },
            _ => ApiError {
                operation,
                code: err.code().map(str::to_owned),
                message: one_line(&err),
                status,
                transient: false,
                credentials: false,
            },
        }
    }

    /// An error that is none of IAM's: what went wrong before any call was sent.
    pub fn local(operation: &'static str, message: String) -> ApiError {
        ApiError {
            operation,
            code: None,
            message,
            status: None,
            transient: false,
            credentials: false,
        }
    }

    /// True when IAM answered with `code`.
    pub fn is(&self, code: &str) -> bool {
        self.code.as_deref() == Some(code)
    }

    /// IAM's "the principal you name does not exist (yet)".
    pub fn is_invalid_principal(&self) -> bool {
        self.is("MalformedPolicyDocument")
            && self
                .message
                .to_ascii_lowercase()
                .contains("invalid principal")
    }
}

/// The messages of `err`'s source chain on one line, each once: the SDK's own rendering of a
/// transport failure is a multi-line debug dump that hides the one fact that matters.
fn one_line(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        let text = text.trim();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(text)) {
            parts.push(text.to_owned());
        }
        next = e.source();
    }
    parts.join(": ")
}

/// When `err` is a failure to load credentials (the SDK reports it as a dispatch failure,
/// though nothing was sent), the loader's own explanation on one line.
fn credentials_failure(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut next = Some(err);
    while let Some(e) = next {
        if e.downcast_ref::<CredentialsError>().is_some() {
            return Some(one_line(e));
        }
        next = e.source();
    }
    None
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` failed", self.operation)?;
        if let Some(c) = &self.code {
            write!(f, " with `{c}`")?;
        }
        if let Some(s) = self.status {
            write!(f, " (HTTP {s})")?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}
