//! The handles given to C (`offblocks_client *`, `offblocks_wallet *`,
//! `offblocks_signer *`): how a pointer from the host becomes a reference, and how a
//! handle is freed.
//!
//! A C caller can pass any address where a handle is expected: one of another type, one
//! freed already, one freed from inside a callback of the very call using it. Each of
//! these is refused with a result code instead of being undefined behaviour:
//!
//! - every handle made is recorded in a registry of live addresses, and removed when
//!   freed: an address not in it (freed, or never made here) is refused without being
//!   read, so even AddressSanitizer sees no access to freed memory;
//! - every handle is kept behind a [`Header`] holding its type's tag (cleared when
//!   freed): a live handle of another type is refused;
//! - every call holds a count of the handle's uses ([`Using`]) from its argument check
//!   to its end: `_free` of a handle in use (from a callback of the call, or from another
//!   thread) is refused, and the handle stays usable.
//!
//! An address freed and then given to a new handle of the same type cannot be told
//! from that new handle: that much is left to the caller.

use std::collections::BTreeSet;
use std::ops::Deref;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::RwLock;

use super::boundary;
use super::error::{offblocks_result, Failure, KIND_INVALID};
use crate::sync::{read, write};

/// The addresses of the handles alive now. Held only to look an address up, insert or
/// remove it: never while host code runs.
static LIVE: RwLock<BTreeSet<usize>> = RwLock::new(BTreeSet::new());

/// What every handle is kept behind: its type's tag, and how many calls are using it.
struct Header {
    tag: AtomicU64,
    uses: AtomicUsize,
}

/// A handle as it lives on the heap: the address C holds is this one's, so the header is
/// at offset 0 whatever the handle's type, and the C types stay opaque.
#[repr(C)]
struct Tagged<T> {
    header: Header,
    handle: T,
}

/// A type handed to C as an opaque handle.
pub(crate) trait Handle: Sized + 'static {
    /// The type's tag, kept in its header while it lives: distinct for each type, not 0.
    const TAG: u64;
    /// The C type's noun, for messages: `client`, `wallet`, `signer`.
    const NOUN: &'static str;
}

/// The noun of the handle type tagged `tag`, for a message about a handle of the wrong
/// type.
fn noun_of(tag: u64) -> &'static str {
    use super::{
        offblocks_client, offblocks_request_signer, offblocks_signer, offblocks_wallet,
        offblocks_webhook_inbox,
    };
    match tag {
        t if t == offblocks_webhook_inbox::TAG => offblocks_webhook_inbox::NOUN,
        t if t == offblocks_client::TAG => offblocks_client::NOUN,
        t if t == offblocks_wallet::TAG => offblocks_wallet::NOUN,
        t if t == offblocks_signer::TAG => offblocks_signer::NOUN,
        t if t == offblocks_request_signer::TAG => offblocks_request_signer::NOUN,
        _ => "freed",
    }
}

/// Gives `handle` to C: records it as live and returns its address.
pub(crate) fn into_raw<T: Handle>(handle: T) -> *mut T {
    let tagged = Box::new(Tagged {
        header: Header {
            tag: AtomicU64::new(T::TAG),
            uses: AtomicUsize::new(0),
        },
        handle,
    });
    let ptr = Box::into_raw(tagged);
    write(&LIVE).insert(ptr as usize);
    ptr.cast::<T>()
}

/// A handle borrowed for the length of one call: its use count is held until dropped.
pub(crate) struct Using<'a, T: Handle> {
    tagged: &'a Tagged<T>,
}

impl<T: Handle> Deref for Using<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.tagged.handle
    }
}

impl<T: Handle> Drop for Using<'_, T> {
    fn drop(&mut self) {
        self.tagged.header.uses.fetch_sub(1, Ordering::Release);
    }
}

/// The header of the live handle at `ptr`, if `ptr` is the address of one (of any type).
/// `live` is the registry, locked by the caller.
fn live_header<'a, T>(live: &BTreeSet<usize>, ptr: *const T) -> Option<&'a Header> {
    if !live.contains(&(ptr as usize)) {
        return None;
    }
    // SAFETY: the address is in the registry, so it is that of a live `Tagged<_>` made
    // by `into_raw`, whose first field (`#[repr(C)]`) is its `Header`. It stays alive
    // while the caller holds the registry's lock, or a use count.
    Some(unsafe { &*ptr.cast::<Header>() })
}

/// Checks that `ptr`, the argument `name`, is a live handle of type `T`, and borrows it
/// for the call (its use count held until the borrow is dropped).
///
/// Safe whatever `ptr` is: an address that is not a live handle is refused without being
/// read, and a live one is not freed while in use (`free` refuses).
pub(crate) fn arg_handle<'a, T: Handle>(
    ptr: *const T,
    name: &'static str,
) -> Result<Using<'a, T>, Failure> {
    if ptr.is_null() {
        return Err(Failure::null(name));
    }
    let live = read(&LIVE);
    let found = live_header(&live, ptr).ok_or_else(|| not_live(name))?;
    let tag = found.tag.load(Ordering::Acquire);
    if tag != T::TAG {
        return Err(wrong_type::<T>(name, tag));
    }
    found.uses.fetch_add(1, Ordering::Acquire);
    drop(live);
    // SAFETY: a live `Tagged<T>` (its tag says so), which `free` does not drop while its
    // use count is held.
    let tagged = unsafe { &*ptr.cast::<Tagged<T>>() };
    Ok(Using { tagged })
}

/// The whole body of a `_free` function: refuses a handle that is not a live `T` or is
/// in use by a call, else clears its tag and drops it. NULL does nothing. Safe whatever
/// `ptr` is, as [`arg_handle`].
pub(crate) fn free<T: Handle>(ptr: *mut T, name: &'static str) -> offblocks_result {
    boundary(|| {
        if ptr.is_null() {
            return Ok(());
        }
        let mut live = write(&LIVE);
        let found = live_header(&live, ptr).ok_or_else(|| not_live(name))?;
        let tag = found.tag.load(Ordering::Acquire);
        if tag != T::TAG {
            return Err(wrong_type::<T>(name, tag));
        }
        // No call can start using it meanwhile: they look it up under the read lock.
        if found.uses.load(Ordering::Acquire) > 0 {
            return Err(Failure::new(
                offblocks_result::OFFBLOCKS_HANDLE_IN_USE,
                KIND_INVALID,
                format!(
                    "{name} is in use by a call in progress (one of its callbacks, or \
                     another thread): free the {} after that call returns",
                    T::NOUN
                ),
            ));
        }
        found.tag.store(0, Ordering::Release);
        live.remove(&(ptr as usize));
        drop(live);
        // SAFETY: a `Tagged<T>` made by `into_raw` (registered, with `T`'s tag),
        // unregistered just now under the write lock, so dropped exactly once, while no
        // call is using it.
        drop(unsafe { Box::from_raw(ptr.cast::<Tagged<T>>()) });
        Ok(())
    })
}

fn not_live(name: &str) -> Failure {
    Failure::new(
        offblocks_result::OFFBLOCKS_INVALID_HANDLE,
        KIND_INVALID,
        format!("{name} is not a live handle: freed already, or not made by this library"),
    )
}

fn wrong_type<T: Handle>(name: &str, tag: u64) -> Failure {
    Failure::new(
        offblocks_result::OFFBLOCKS_INVALID_HANDLE,
        KIND_INVALID,
        format!(
            "{name} is a {} handle, not an offblocks_{}",
            noun_of(tag),
            T::NOUN
        ),
    )
}
