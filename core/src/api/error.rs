//! Kinesis API errors: the real `__type` names, with a message a student
//! can act on.

use serde::Serialize;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ErrorType {
    ResourceNotFoundException,
    ResourceInUseException,
    InvalidArgumentException,
    LimitExceededException,
    ProvisionedThroughputExceededException,
    ExpiredIteratorException,
    ValidationException,
    /// An unknown `X-Amz-Target` operation.
    UnknownOperationException,
    /// The request body is not JSON of the right shape.
    SerializationException,
}

impl ErrorType {
    pub fn name(self) -> &'static str {
        match self {
            ErrorType::ResourceNotFoundException => "ResourceNotFoundException",
            ErrorType::ResourceInUseException => "ResourceInUseException",
            ErrorType::InvalidArgumentException => "InvalidArgumentException",
            ErrorType::LimitExceededException => "LimitExceededException",
            ErrorType::ProvisionedThroughputExceededException => {
                "ProvisionedThroughputExceededException"
            }
            ErrorType::ExpiredIteratorException => "ExpiredIteratorException",
            ErrorType::ValidationException => "ValidationException",
            ErrorType::UnknownOperationException => "UnknownOperationException",
            ErrorType::SerializationException => "SerializationException",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ErrorType,
    pub message: String,
}

impl ApiError {
    pub fn new(kind: ErrorType, message: impl Into<String>) -> Self {
        ApiError {
            kind,
            message: message.into(),
        }
    }

    /// The JSON body AWS sends for this error.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({ "__type": self.kind.name(), "message": self.message })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.message)
    }
}

impl std::error::Error for ApiError {}

pub fn not_found(what: impl fmt::Display) -> ApiError {
    ApiError::new(
        ErrorType::ResourceNotFoundException,
        format!("{what} not found."),
    )
}

pub fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorType::InvalidArgumentException, message)
}

/// A field failed validation: names the field and the rule, as AWS's
/// ValidationException does.
pub fn validation(field: &str, problem: impl fmt::Display) -> ApiError {
    ApiError::new(
        ErrorType::ValidationException,
        format!("1 validation error detected: Value at '{field}' failed to satisfy constraint: {problem}"),
    )
}
