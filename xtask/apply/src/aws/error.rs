//! IAM errors as the engine reasons about them: an error code, a message, and whether it is
//! transient (worth the same call again).

use std::fmt;

use aws_sdk_iam::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

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
                }
            }
            SdkError::TimeoutError(_) => ApiError {
                operation,
                code: None,
                message: "the call timed out".to_owned(),
                status,
                transient: true,
            },
            SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => ApiError {
                operation,
                code: None,
                message: format!("no usable response: {}", DisplayErrorContext(&err)),
                status,
                transient: true,
            },
            _ => ApiError {
                operation,
                code: err.code().map(str::to_owned),
                message: DisplayErrorContext(&err).to_string(),
                status,
                transient: false,
            },
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
