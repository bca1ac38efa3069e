//! Peak heap while a large list body is decoded, against the body's size: the client's
//! decoding (straight into the target types) and, in the same process as a baseline,
//! decoding through a `serde_json::Value` tree first, then each element.
//!
//!     cargo bench --bench list_memory
//!
//! A counting global allocator records the high-water mark of live heap bytes; each
//! figure is that mark above what was live before, plus the body, over the body.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use offblocks::models::Customer;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size > layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak live bytes above the start while `f` runs, and what it returned.
fn peak_of<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let start = LIVE.load(Ordering::Relaxed);
    PEAK.store(start, Ordering::Relaxed);
    let out = f();
    (PEAK.load(Ordering::Relaxed) - start, out)
}

/// A `GET /customers` body of about `bytes`, wrapped as the API wraps lists.
fn body_of(bytes: usize) -> Vec<u8> {
    let mut body = br#"{"data":["#.to_vec();
    let mut i = 0u64;
    while body.len() < bytes {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(
            format!(
                r#"{{"id":"c{i}","externalId":"u{i}","chainId":"eip155:1:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266","status":"active","createdAt":"2024-01-12T14:53:02Z","updatedAt":"2024-01-12T14:53:02Z"}}"#
            )
            .as_bytes(),
        );
        i += 1;
    }
    body.extend_from_slice(b"]}");
    body
}

/// The earlier decoding: the whole body as a tree, then each element from it.
fn through_a_value_tree(body: &[u8]) -> Vec<Customer> {
    let mut value: serde_json::Value = serde_json::from_slice(body).unwrap();
    let serde_json::Value::Array(items) = value["data"].take() else {
        panic!("a list")
    };
    items
        .into_iter()
        .map(|item| serde_json::from_value(item).unwrap())
        .collect()
}

fn main() {
    let body = body_of(14 << 20);
    let mib = |b: usize| b as f64 / (1 << 20) as f64;
    let before = LIVE.load(Ordering::Relaxed);
    let (direct, items) = peak_of(|| offblocks::__fuzz::decode_items::<Customer>(&body).unwrap());
    let kept = LIVE.load(Ordering::Relaxed) - before;
    let count = items.len();
    drop(items);
    let (tree, items) = peak_of(|| through_a_value_tree(&body));
    assert_eq!(items.len(), count);
    drop(items);
    let total = |peak: usize| (body.len() + peak) as f64 / body.len() as f64;
    println!("list of {count} customers, body {:.1} MiB", mib(body.len()));
    println!(
        "  the decoded Vec<Customer> itself holds {:.1} MiB ({:.2}x the body)",
        mib(kept),
        kept as f64 / body.len() as f64
    );
    println!(
        "  decoded straight into Vec<Customer>: peak {:.1} MiB above the body; body + peak = {:.2}x the body",
        mib(direct),
        total(direct)
    );
    println!(
        "  through a serde_json::Value tree:    peak {:.1} MiB above the body; body + peak = {:.2}x the body",
        mib(tree),
        total(tree)
    );
    println!(
        "{{\"bench\":\"list_memory\",\"body_bytes\":{},\"items\":{count},\"direct_peak_bytes\":{direct},\"tree_peak_bytes\":{tree},\"result_bytes\":{kept}}}",
        body.len()
    );
}
