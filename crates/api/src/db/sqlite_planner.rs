//! A setting the SQLite writer's connection needs, which diesel gives no way to reach.
//!
//! SQLite (since 3.47) reads a bound `LIMIT ?` while planning a statement and marks the
//! statement to be planned again whenever that parameter is bound anew. diesel binds every
//! LIMIT (`.first()`, `.limit(n)`) and binds all parameters again each time it runs a cached
//! statement, so those statements were parsed and planned from scratch on every run: a third of
//! the SQLite writer's time at 2,000 visitor messages a second. SQLite's query planner stability
//! guarantee (QPSG) keeps the plan a statement was prepared with.
//!
//! Only the writer gets it. The writer's statements find rows by key and do not need the
//! limit's value; the conversation list does: knowing that only one page is wanted is what
//! makes SQLite walk a tab's index in order instead of sorting the tab (a sparse tab's first
//! page went from 1 ms to 60 ms under QPSG).

use std::cell::Cell;
use std::ffi::{c_char, c_int};
use std::sync::Once;

use libsqlite3_sys as ffi;

thread_local! {
    /// Whether connections opened now, on this thread, keep their statements' plans.
    static STABLE_PLANS: Cell<bool> = const { Cell::new(false) };
}

/// Runs `open`; the SQLite connections it opens keep the plans their statements were prepared
/// with (see the module's documentation).
pub fn with_stable_plans<T>(open: impl FnOnce() -> T) -> T {
    install();
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            STABLE_PLANS.set(false);
        }
    }
    STABLE_PLANS.set(true);
    let _reset = Reset;
    open()
}

/// Has SQLite call [`on_open`] for every connection the process opens from now on.
fn install() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        // SAFETY: registers a function with the signature SQLite expects; SQLite calls it on
        // each new connection with that connection's valid handle.
        let rc = unsafe { ffi::sqlite3_auto_extension(Some(on_open)) };
        if rc != ffi::SQLITE_OK {
            tracing::warn!(rc, "could not ask SQLite to keep statement plans stable");
        }
    });
}

/// Runs as each connection opens, on the opening thread. A non-zero result fails the open.
unsafe extern "C" fn on_open(
    db: *mut ffi::sqlite3,
    _error: *mut *mut c_char,
    _api: *const ffi::sqlite3_api_routines,
) -> c_int {
    if !STABLE_PLANS.get() {
        return ffi::SQLITE_OK;
    }
    // SAFETY: `db` is the connection being opened; the option takes an int and an optional
    // int pointer for the previous value, which we do not want.
    unsafe {
        ffi::sqlite3_db_config(
            db,
            ffi::SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as c_int,
            std::ptr::null_mut::<c_int>(),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::CString;

    use super::*;

    /// Runs `SELECT n FROM t LIMIT ?` twice with different limits on one prepared statement and
    /// returns how often SQLite had to prepare it again.
    fn reprepares_of_a_bound_limit() -> c_int {
        // SAFETY: plain use of the C API on a private in-memory database, every handle checked
        // and released before returning.
        unsafe {
            let mut db = std::ptr::null_mut();
            let path = CString::new(":memory:").unwrap();
            assert_eq!(ffi::sqlite3_open(path.as_ptr(), &mut db), ffi::SQLITE_OK);
            let setup =
                CString::new("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3);")
                    .unwrap();
            let rc = ffi::sqlite3_exec(
                db,
                setup.as_ptr(),
                None,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            );
            assert_eq!(rc, ffi::SQLITE_OK);
            let sql = CString::new("SELECT n FROM t LIMIT ?").unwrap();
            let mut stmt = std::ptr::null_mut();
            let rc = ffi::sqlite3_prepare_v2(db, sql.as_ptr(), -1, &mut stmt, std::ptr::null_mut());
            assert_eq!(rc, ffi::SQLITE_OK);
            for limit in [1, 2] {
                assert_eq!(ffi::sqlite3_bind_int(stmt, 1, limit), ffi::SQLITE_OK);
                let mut rows = 0;
                while ffi::sqlite3_step(stmt) == ffi::SQLITE_ROW {
                    rows += 1;
                }
                assert_eq!(rows, limit);
                ffi::sqlite3_reset(stmt);
            }
            let reprepares = ffi::sqlite3_stmt_status(stmt, ffi::SQLITE_STMTSTATUS_REPREPARE, 0);
            ffi::sqlite3_finalize(stmt);
            ffi::sqlite3_close(db);
            reprepares
        }
    }

    #[test]
    fn only_connections_opened_with_stable_plans_keep_a_bound_limits_plan() {
        assert_eq!(with_stable_plans(reprepares_of_a_bound_limit), 0);
        assert_eq!(
            reprepares_of_a_bound_limit(),
            2,
            "planned again at each new limit"
        );
    }
}
