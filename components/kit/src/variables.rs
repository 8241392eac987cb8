//! Spin variables, read with one error for a variable that cannot be read.

use crate::error::ApiError;

/// The value of the Spin variable `name`. One the application does not define
/// (or the component is not given) is a server error naming the variable.
pub async fn get(name: &str) -> Result<String, ApiError> {
    spin_sdk::variables::get(name)
        .await
        .map_err(|e| ApiError::internal(format!("variable {name}: {e:?}")))
}
