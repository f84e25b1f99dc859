//! Files and folders only the node's own user may read: a data folder
//! holds personal data of members and workers, and its keys.
//!
//! The binary also sets its umask to 0077 at start, so that what sled and
//! the exports create is private too; these functions make it so whoever
//! calls them (a library user, a test) and whatever existed before.

use crate::error::{io_at, Result};
use std::path::Path;

/// Mode of a folder: owner only.
pub const DIR_MODE: u32 = 0o700;
/// Mode of a file: owner read and write.
pub const FILE_MODE: u32 = 0o600;

/// Creates `dir` and its parents as needed, and makes `dir` owner-only
/// whether it was just made or was there (a folder made by `mkdir` or a
/// deployment tool keeps the default 0755 otherwise).
pub fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(io_at(dir))?;
    restrict(dir, DIR_MODE)
}

/// Writes `bytes` to `path`, readable by the owner only (also when the
/// file was there before with a wider mode).
pub fn write(path: &Path, bytes: impl AsRef<[u8]>) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    let mut file = options.open(path).map_err(io_at(path))?;
    restrict(path, FILE_MODE)?;
    file.write_all(bytes.as_ref()).map_err(io_at(path))?;
    file.sync_all().map_err(io_at(path))
}

/// Makes `dir` owner-only if it is not; says whether it had to.
pub fn tighten_dir(dir: &Path) -> Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir)
            .map_err(io_at(dir))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            restrict(dir, DIR_MODE)?;
            return Ok(true);
        }
    }
    Ok(false)
}

fn restrict(path: &Path, mode: u32) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(io_at(path))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}
