//! What the example programs share: how they report an error.
//!
//! Every example ends a failed run with [`report`]: one `error:` line for the person running it,
//! then what Magicline support asks for (the `traceId` of the failed request). The three APIs
//! differ in what their error bodies are for:
//!
//! * Open API: `errorMessage` is "resolved message in the context-specific default locale", and
//!   the Device API's `errorMessage` "is intended for display to the customer": the error line
//!   shows it (the client's error text ends with it).
//! * Connect API: `message` is "for developer integration and logging purposes. Do not show
//!   message in client!" The error line says what the `errorCodes` mean instead, and the
//!   message goes to a `log:` line with the codes and the trace id, for the integrator.

use std::process::ExitCode;

use magicline_connect::models::{
    ApiError as ConnectError, ConnectApiErrorResponseDto,
    ConnectApiErrorResponseDtoErrorCodesItem as ErrorCode,
};

/// The errors of the three APIs, as the generated clients return them.
enum ApiFailure<'a> {
    Open(&'a magicline::Error<magicline::models::ErrorResponse>),
    Device(&'a magicline_device::Error<magicline_device::models::ApiError>),
    Connect(&'a magicline_connect::Error<ConnectError>),
}

impl<'a> ApiFailure<'a> {
    fn of(cause: &'a (dyn std::error::Error + 'static)) -> Option<Self> {
        if let Some(err) = cause.downcast_ref() {
            Some(ApiFailure::Open(err))
        } else if let Some(err) = cause.downcast_ref() {
            Some(ApiFailure::Device(err))
        } else {
            cause.downcast_ref().map(ApiFailure::Connect)
        }
    }
}

/// Prints [`error_lines`] to stderr and returns the exit status of a failed run.
pub fn report(err: &anyhow::Error) -> ExitCode {
    for line in error_lines(err) {
        eprintln!("{line}");
    }
    ExitCode::FAILURE
}

/// How the examples show `err`: an `error:` line, then the trace id of each error body.
///
/// The `error:` line is the context the program added (what it was doing), then the client's
/// error; the chain stops there, since the client's error already says its cause (a transport
/// error's kind, host and innermost cause) and the HTTP client's own error below it would show
/// the request URL with its query. For a Connect API error the line says what its
/// `errorCodes` mean, never its `message`, which goes to a `log:` line.
pub fn error_lines(err: &anyhow::Error) -> Vec<String> {
    let mut line: Vec<String> = Vec::new();
    let mut details = Vec::new();
    for cause in err.chain() {
        match ApiFailure::of(cause) {
            Some(ApiFailure::Connect(err)) => {
                line.push(connect_headline(err));
                details = connect_log_lines(err);
                break;
            }
            Some(ApiFailure::Open(err)) => {
                line.push(err.to_string());
                let trace_id = err.body().and_then(|body| body.trace_id.as_deref());
                details.extend(trace_id.map(support_line));
                break;
            }
            Some(ApiFailure::Device(err)) => {
                line.push(err.to_string());
                details.extend(device_trace_id(err).map(support_line));
                break;
            }
            None => line.push(cause.to_string()),
        }
    }
    let mut lines = vec![format!("error: {}", line.join(": "))];
    lines.extend(details);
    lines
}

fn support_line(trace_id: &str) -> String {
    format!("trace id: {trace_id} (quote it to Magicline support)")
}

fn device_trace_id(
    err: &magicline_device::Error<magicline_device::models::ApiError>,
) -> Option<&str> {
    use magicline_device::models::ApiError;
    match err.body()? {
        ApiError::BadRequest(body)
        | ApiError::Forbidden(body)
        | ApiError::NotFound(body)
        | ApiError::InternalServerError(body)
        | ApiError::ServiceUnavailable(body) => body.trace_id.as_deref(),
        // `401` has no body; an error this version of the client does not know neither.
        _ => None,
    }
}

/// The error bodies of a Connect API error: a `400` carries one or a list.
fn connect_errors(
    err: &magicline_connect::Error<ConnectError>,
) -> Vec<&ConnectApiErrorResponseDto> {
    match err.body() {
        Some(ConnectError::BadRequest(errors)) => errors.iter().collect(),
        Some(
            ConnectError::Forbidden(error)
            | ConnectError::Conflict(error)
            | ConnectError::InternalServerError(error),
        ) => vec![error],
        // `404` has no body; an error this version of the client does not know neither.
        _ => Vec::new(),
    }
}

/// The error line of a Connect API error: the operation, the status and what the error codes
/// mean. Never the server's `message` (see the module docs); an error without a documented
/// body says its status only, as its raw body may carry such a message too.
fn connect_headline(err: &magicline_connect::Error<ConnectError>) -> String {
    use magicline_connect::Error;
    let operation = err.operation();
    let status = match err {
        Error::Api { status, .. }
        | Error::UnexpectedStatus { status, .. }
        | Error::UnexpectedBody { status, .. } => status,
        // No error body (a transport error, a success body that does not decode, a refused
        // redirect): the client's text carries no server message.
        _ => return err.to_string(),
    };
    let mut meanings: Vec<&str> = Vec::new();
    for code in connect_errors(err)
        .iter()
        .flat_map(|error| &error.error_codes)
    {
        let meaning = error_code_meaning(code);
        if !meanings.contains(&meaning) {
            meanings.push(meaning);
        }
    }
    if meanings.is_empty() {
        format!("{operation}: the server answered {status}")
    } else {
        format!(
            "{operation}: the server answered {status}: {}",
            meanings.join("; ")
        )
    }
}

/// What an error code means, for the person using the client. The codes are "generic
/// categories of errors. You may map them to default responses".
fn error_code_meaning(code: &ErrorCode) -> &'static str {
    match code {
        ErrorCode::EntityNotFound => "what was asked for does not exist",
        ErrorCode::Conflict => "this conflicts with what is already there (it may be done already)",
        ErrorCode::BadRequest => "the request was not understood",
        ErrorCode::RequiredParameterMissing => "a required detail is missing",
        ErrorCode::ValidationFailed => "some details are not valid",
        ErrorCode::Forbidden => "this is not allowed",
        ErrorCode::OperationNotAllowedForStudio => "the studio does not offer this",
        ErrorCode::ServerError => "the server had a problem; try again later",
        ErrorCode::FeatureDisabled => "this is switched off for the studio",
        ErrorCode::StudioNotInGermany => "this is offered for studios in Germany only",
        ErrorCode::VoucherValidationFailedInvalidCode => "the voucher code is not valid",
        ErrorCode::VoucherValidationFailedNotRedeemableHere => {
            "the voucher cannot be redeemed at this studio"
        }
        ErrorCode::VoucherValidationFailedNotInValidityPeriod => {
            "the voucher is not valid at this time"
        }
        ErrorCode::VoucherValidationFailedNotAllowedForRate => {
            "the voucher cannot be used for this offer"
        }
        ErrorCode::TrialsessionAlreadyBooked => "a trial session is booked already",
        ErrorCode::ActiveMemberCannotBookTrialSession => "members cannot book a trial session",
        // A code this version of the client does not know yet.
        _ => "the request was refused",
    }
}

/// One `log:` line per error body: its codes, trace id and message, for the integrator's log.
fn connect_log_lines(err: &magicline_connect::Error<ConnectError>) -> Vec<String> {
    connect_errors(err)
        .into_iter()
        .map(|error| {
            let codes: Vec<&str> = error.error_codes.iter().map(|code| code.as_str()).collect();
            let mut line = format!("log: error codes: {}", codes.join(", "));
            if let Some(trace_id) = &error.trace_id {
                line.push_str(&format!(
                    "; trace id: {trace_id} (quote it to Magicline support)"
                ));
            }
            if let Some(message) = &error.message {
                line.push_str(&format!("; message: {message}"));
            }
            line
        })
        .collect()
}
