//! The node's error type.

use unionfed_protocol::ProtocolError;

/// What can go wrong inside a node. HTTP handlers turn these into JSON errors
/// (see `api::ApiError`); the CLI prints them with what to do.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    #[error("storage error: {0}")]
    Storage(String),
    #[error("the store at {path} was written by schema version {found}, and this build reads version {expected}; {hint}")]
    Schema {
        path: String,
        found: u32,
        expected: u32,
        hint: &'static str,
    },
    #[error("configuration: {0}")]
    Config(String),
    #[error("{what} {id} was not found")]
    NotFound { what: &'static str, id: String },
    #[error("{0}")]
    Invalid(String),
    #[error(
        "no case matches this receipt code and passphrase; check the 16 digits and the passphrase"
    )]
    NoReceiptMatch,
    #[error("{0}")]
    Forbidden(String),
    #[error("the network task has stopped; the node is shutting down")]
    NetworkStopped,
    #[error("network: {0}")]
    Network(String),
    #[error("I/O error on {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl From<unionfed_network::NetworkError> for NodeError {
    fn from(e: unionfed_network::NetworkError) -> Self {
        match e {
            unionfed_network::NetworkError::Stopped => NodeError::NetworkStopped,
            unionfed_network::NetworkError::Other(m) => NodeError::Network(m),
        }
    }
}

impl From<sled::Error> for NodeError {
    fn from(e: sled::Error) -> Self {
        NodeError::Storage(e.to_string())
    }
}

impl From<sled::transaction::TransactionError<NodeError>> for NodeError {
    fn from(e: sled::transaction::TransactionError<NodeError>) -> Self {
        match e {
            sled::transaction::TransactionError::Abort(inner) => inner,
            sled::transaction::TransactionError::Storage(s) => NodeError::Storage(s.to_string()),
        }
    }
}

pub type Result<T, E = NodeError> = std::result::Result<T, E>;

/// Wraps an I/O error with the path it happened on.
pub fn io_at(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> NodeError + '_ {
    move |source| NodeError::Io {
        path: path.display().to_string(),
        source,
    }
}
