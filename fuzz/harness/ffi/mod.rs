//! The fuzz harness of the C ABI (the `ffi` target): a sequence of calls chosen by the
//! input, made as a C host makes them (the `extern "C"` functions of `offblocks::ffi`),
//! with NULLs, embedded NULs, invalid UTF-8 and handles made and freed along the way,
//! each call checked against the conventions of the header.
//!
//! No call reaches the network: the clients it uses have the base URL
//! `http://127.0.0.1:9/v1` (the discard port, closed) and a single attempt, so the
//! calls that would talk to the API fail at once with `OFFBLOCKS_TRANSPORT`. Clients
//! made from the input's own JSON only run calls that never do I/O, then are freed.
//!
//! Input encoding: each call starts with one byte that chooses it ([`Ops::step`]);
//! its arguments follow (see [`Input`]). Everything the library hands out is freed, by
//! the end of the sequence at the latest, so that AddressSanitizer's leak check sees a
//! leak as a bug.

mod api;
mod checks;
mod input;

use std::ffi::{c_char, c_int, c_void};
use std::ptr;

use offblocks::ffi::*;

use checks::{check_rc, Out};
use input::{Input, Text};

pub(super) use checks::{check_error_in_c, check_webhook_in_c};

/// How many live handles of each kind a sequence keeps at most.
const MAX_HANDLES: usize = 3;

/// Runs the sequence of calls the input describes.
pub(super) fn run(data: &[u8]) {
    let mut ops = Ops {
        input: Input::new(data),
        clients: Vec::new(),
        wallets: Vec::new(),
        signers: Vec::new(),
    };
    while !ops.input.is_empty() {
        ops.step();
    }
}

/// The live handles of a sequence, all freed when it ends.
struct Ops<'a> {
    input: Input<'a>,
    clients: Vec<*mut offblocks_client>,
    wallets: Vec<*mut offblocks_wallet>,
    signers: Vec<*mut offblocks_signer>,
}

impl Drop for Ops<'_> {
    fn drop(&mut self) {
        // SAFETY: every handle in the lists is live and freed once, here.
        unsafe {
            self.clients
                .drain(..)
                .for_each(|c| assert_eq!(offblocks_client_free(c), offblocks_result::OFFBLOCKS_OK));
            self.wallets
                .drain(..)
                .for_each(|w| assert_eq!(offblocks_wallet_free(w), offblocks_result::OFFBLOCKS_OK));
            self.signers
                .drain(..)
                .for_each(|s| assert_eq!(offblocks_signer_free(s), offblocks_result::OFFBLOCKS_OK));
        }
    }
}

/// A live handle of `list` or NULL, as the input says.
fn pick<T>(input: &mut Input, list: &[*mut T]) -> *mut T {
    let i = usize::from(input.byte()) % (list.len() + 1);
    list.get(i).copied().unwrap_or(ptr::null_mut())
}

/// Keeps a handle a call made, or frees it at once when the list is full.
fn keep<T>(
    list: &mut Vec<*mut T>,
    handle: *mut T,
    free: unsafe extern "C" fn(*mut T) -> offblocks_result,
) {
    assert!(!handle.is_null(), "a successful _new gives a handle");
    if list.len() < MAX_HANDLES {
        list.push(handle);
    } else {
        // SAFETY: a live handle just made, freed once.
        let rc = unsafe { free(handle) };
        assert_eq!(rc, offblocks_result::OFFBLOCKS_OK, "freeing a live handle");
    }
}

/// Takes the handle at `handle` out of `list` and frees it (`_free(NULL)` when NULL).
fn release<T>(
    list: &mut Vec<*mut T>,
    handle: *mut T,
    free: unsafe extern "C" fn(*mut T) -> offblocks_result,
) {
    list.retain(|h| *h != handle);
    // SAFETY: NULL, or a live handle just removed from the list: freed once, so the
    // library accepts it.
    let rc = unsafe { free(handle) };
    assert_eq!(rc, offblocks_result::OFFBLOCKS_OK, "freeing a live handle");
}

type TextOut = unsafe extern "C" fn(*const c_char, *mut *mut c_char) -> offblocks_result;

type Parser = (TextOut, fn(&str) -> bool, bool);

/// The parsers without a handle, each with the Rust function whose success it must
/// match, and whether its result is JSON.
const PARSERS: [Parser; 5] = [
    (
        offblocks_caip_chain_id_parse,
        |t| offblocks::wallet::ChainId::parse(t).is_ok(),
        true,
    ),
    (
        offblocks_caip_account_id_parse,
        |t| offblocks::wallet::AccountId::parse(t).is_ok(),
        true,
    ),
    (
        offblocks_siwe_parse,
        |t| offblocks::wallet::SiweMessage::parse(t).is_ok(),
        true,
    ),
    (
        offblocks_webhook_event_parse,
        |t| offblocks::models::WebhookEvent::parse(t.as_bytes()).is_ok(),
        true,
    ),
    (
        offblocks_signing_key_public_pem,
        |t| offblocks::SigningKey::from_pem(t).is_ok(),
        false,
    ),
];

impl Ops<'_> {
    /// One call, chosen by the next byte.
    fn step(&mut self) {
        let op = self.input.byte();
        match op % 24 {
            0 => self.client_new(),
            1 => {
                let c = pick(&mut self.input, &self.clients);
                release(&mut self.clients, c, offblocks_client_free);
            }
            2 => self.client_key_id(),
            3 => self.dry_run(),
            4 => self.signing_key_generate(),
            5 => self.parser(),
            6 => self.wallet_new(),
            7 => {
                let w = pick(&mut self.input, &self.wallets);
                release(&mut self.wallets, w, offblocks_wallet_free);
            }
            8 => self.wallet_text(),
            9 => self.wallet_sign(),
            10 => self.signature_recover(),
            11 => self.signer_new(),
            12 => self.signer_from_wallet(),
            13 => self.signer_address(),
            14 => {
                let s = pick(&mut self.input, &self.signers);
                release(&mut self.signers, s, offblocks_signer_free);
            }
            15 => self.siwe_guard(),
            16 => self.api_client_out(),
            17 => self.api_client_text_out(),
            18 => self.api_client_text2(),
            19 => self.api_client_text3(),
            20 => self.api_client_text2_out(),
            21 => self.sign_challenge(),
            22 => self.onboard(),
            _ => checks::getters(),
        }
    }

    pub(super) fn text(&mut self) -> Text {
        self.input.text()
    }

    /// A client from the input's JSON. One from a word of the dictionary (the closed
    /// port) is kept; one from arbitrary JSON only runs calls without I/O, then goes.
    fn client_new(&mut self) {
        let config = self.text();
        let mut out = Out::<offblocks_client>::new(!self.input.one_in(16));
        // SAFETY: a NULL or NUL-terminated string, a NULL or writable out-pointer.
        let rc = unsafe { offblocks_client_new(config.ptr(), out.ptr()) };
        check_rc(rc, config.is_null() || out.is_null());
        let Some(client) = out.handle(rc) else {
            return;
        };
        if config.is_word() {
            return keep(&mut self.clients, client, offblocks_client_free);
        }
        let key_id = self.text();
        let token = Text::word(input::TOKEN);
        // SAFETY: a live handle, NULL or NUL-terminated strings, writable out-pointers;
        // with a token given, a dry run does no I/O. The handle is freed once.
        unsafe {
            let rc = offblocks_client_set_key_id(client, key_id.ptr());
            check_rc(rc, false);
            let mut out = Out::<c_char>::string();
            let rc = offblocks_client_key_id(client, out.ptr());
            out.finish_nullable(rc, false);
            let (method, path) = (Text::word(input::POST), Text::word(input::PATH));
            let mut out = Out::<c_char>::string();
            let rc = offblocks_client_dry_run(
                client,
                method.ptr(),
                path.ptr(),
                ptr::null(),
                ptr::null(),
                token.ptr(),
                out.ptr(),
            );
            out.finish(rc, false, true);
            assert_eq!(
                offblocks_client_free(client),
                offblocks_result::OFFBLOCKS_OK
            );
        }
    }

    /// Sets a key id, then reads it back.
    fn client_key_id(&mut self) {
        let client = pick(&mut self.input, &self.clients);
        let key_id = self.text();
        let mut out = self.input.out_string();
        // SAFETY: NULL or live handles, NULL or NUL-terminated strings, NULL or writable
        // out-pointers.
        let (set, rc) = unsafe {
            let set = offblocks_client_set_key_id(client, key_id.ptr());
            check_rc(set, client.is_null());
            (set, offblocks_client_key_id(client, out.ptr()))
        };
        let read = out.finish_nullable(rc, client.is_null());
        if set == offblocks_result::OFFBLOCKS_OK && rc == offblocks_result::OFFBLOCKS_OK {
            assert_eq!(
                read.as_deref(),
                key_id.as_str(),
                "the key id set is read back"
            );
        }
    }

    fn dry_run(&mut self) {
        let client = pick(&mut self.input, &self.clients);
        let args = [(); 5].map(|_| self.text());
        let mut out = self.input.out_string();
        let [method, path, body, key, token] = &args;
        // SAFETY: as in `client_key_id`.
        let rc = unsafe {
            offblocks_client_dry_run(
                client,
                method.ptr(),
                path.ptr(),
                body.ptr(),
                key.ptr(),
                token.ptr(),
                out.ptr(),
            )
        };
        let required_null = client.is_null() || method.is_null() || path.is_null();
        out.finish(rc, required_null, true);
    }

    fn signing_key_generate(&mut self) {
        let mut out = self.input.out_string();
        // SAFETY: a NULL or writable out-pointer.
        let rc = unsafe { offblocks_signing_key_generate(out.ptr()) };
        out.finish(rc, false, false);
    }

    fn parser(&mut self) {
        let (f, rust, json) = PARSERS[usize::from(self.input.byte()) % PARSERS.len()];
        let text = self.text();
        let mut out = self.input.out_string();
        // SAFETY: a NULL or NUL-terminated string, a NULL or writable out-pointer.
        let rc = unsafe { f(text.ptr(), out.ptr()) };
        out.finish(rc, text.is_null(), json);
        if let (Some(t), false) = (text.as_str(), out.is_null()) {
            let ok = rc == offblocks_result::OFFBLOCKS_OK;
            assert_eq!(ok, rust(t), "the C parser agrees with Rust on {t:?}");
        }
    }

    fn wallet_new(&mut self) {
        let random = self.input.one_in(8);
        let hex = self.text();
        let mut out = Out::<offblocks_wallet>::new(!self.input.one_in(16));
        // SAFETY: a NULL or NUL-terminated string, a NULL or writable out-pointer.
        let rc = unsafe {
            if random {
                offblocks_wallet_new_random(out.ptr())
            } else {
                offblocks_wallet_from_hex(hex.ptr(), out.ptr())
            }
        };
        check_rc(rc, out.is_null() || (!random && hex.is_null()));
        if let Some(w) = out.handle(rc) {
            keep(&mut self.wallets, w, offblocks_wallet_free);
        }
    }

    /// The wallet calls that return text: address, account id, secret.
    fn wallet_text(&mut self) {
        let wallet = pick(&mut self.input, &self.wallets);
        let which = self.input.byte() % 3;
        let chain = self.text();
        let mut out = self.input.out_string();
        // SAFETY: NULL or live handles, NULL or NUL-terminated strings, NULL or writable
        // out-pointers.
        let rc = unsafe {
            match which {
                0 => offblocks_wallet_address(wallet, out.ptr()),
                1 => offblocks_wallet_account_id(wallet, chain.ptr(), out.ptr()),
                _ => offblocks_wallet_export_secret_hex(wallet, out.ptr()),
            }
        };
        out.finish(
            rc,
            wallet.is_null() || (which == 1 && chain.is_null()),
            false,
        );
    }

    /// Signs bytes and checks that the signature recovers to the wallet's address.
    fn wallet_sign(&mut self) {
        let wallet = pick(&mut self.input, &self.wallets);
        let (message, len) = self.input.bytes_arg();
        let encoding = c_int::from(self.input.byte() as i8);
        let mut out = self.input.out_string();
        // SAFETY: NULL or a live handle; `message` NULL or `len` readable bytes; a NULL or
        // writable out-pointer.
        let rc =
            unsafe { offblocks_wallet_sign_personal(wallet, message, len, encoding, out.ptr()) };
        let bad_bytes = message.is_null() && len > 0;
        let required_null = wallet.is_null() || bad_bytes;
        let Some(signature) = out.finish(rc, required_null, false) else {
            return;
        };
        assert!(
            (0..=2).contains(&encoding),
            "encoding {encoding} was refused"
        );
        let signature = Text::owned(signature.into_bytes());
        let mut address = Out::<c_char>::string();
        let mut expected = Out::<c_char>::string();
        // SAFETY: as above; the signature is a NUL-terminated string.
        unsafe {
            let rc = offblocks_signature_recover(message, len, signature.ptr(), address.ptr());
            let address = address
                .finish(rc, false, false)
                .expect("a fresh signature recovers");
            let rc = offblocks_wallet_address(wallet, expected.ptr());
            assert_eq!(Some(address), expected.finish(rc, false, false));
        }
    }

    fn signature_recover(&mut self) {
        let (message, len) = self.input.bytes_arg();
        let signature = self.text();
        let mut out = self.input.out_string();
        // SAFETY: `message` NULL or `len` readable bytes; a NULL or NUL-terminated
        // string; a NULL or writable out-pointer.
        let rc = unsafe { offblocks_signature_recover(message, len, signature.ptr(), out.ptr()) };
        out.finish(
            rc,
            (message.is_null() && len > 0) || signature.is_null(),
            false,
        );
    }

    fn signer_new(&mut self) {
        let address = self.text();
        let behaviour = self.input.byte();
        let sign: offblocks_sign_fn =
            (!behaviour.is_multiple_of(8)).then_some(checks::sign_callback);
        let user_data = ptr::without_provenance_mut::<c_void>(usize::from(behaviour));
        let mut out = Out::<offblocks_signer>::new(!self.input.one_in(16));
        // SAFETY: a NULL or NUL-terminated string; the callback follows
        // `offblocks_sign_fn` and never reads `user_data` as a pointer.
        let rc = unsafe { offblocks_signer_new(address.ptr(), sign, user_data, out.ptr()) };
        check_rc(rc, address.is_null() || sign.is_none() || out.is_null());
        if let Some(s) = out.handle(rc) {
            keep(&mut self.signers, s, offblocks_signer_free);
        }
    }

    fn signer_from_wallet(&mut self) {
        let wallet = pick(&mut self.input, &self.wallets);
        let mut out = Out::<offblocks_signer>::new(!self.input.one_in(16));
        // SAFETY: NULL or a live handle, a NULL or writable out-pointer.
        let rc = unsafe { offblocks_signer_from_wallet(wallet, out.ptr()) };
        check_rc(rc, wallet.is_null() || out.is_null());
        if let Some(s) = out.handle(rc) {
            keep(&mut self.signers, s, offblocks_signer_free);
        }
    }

    fn signer_address(&mut self) {
        let signer = pick(&mut self.input, &self.signers);
        let mut out = self.input.out_string();
        // SAFETY: NULL or a live handle, a NULL or writable out-pointer.
        let rc = unsafe { offblocks_signer_address(signer, out.ptr()) };
        out.finish(rc, signer.is_null(), false);
    }

    fn siwe_guard(&mut self) {
        let [challenge, address, customer, domain] = [(); 4].map(|_| self.text());
        let now = self.input.i64();
        let mut out = self.input.out_string();
        // SAFETY: NULL or NUL-terminated strings, a NULL or writable out-pointer.
        let rc = unsafe {
            offblocks_siwe_guard(
                challenge.ptr(),
                address.ptr(),
                customer.ptr(),
                domain.ptr(),
                now,
                out.ptr(),
            )
        };
        let required_null = challenge.is_null() || address.is_null() || customer.is_null();
        out.finish(rc, required_null, true);
    }
}
