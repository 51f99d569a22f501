//! Instruction data byte 0 selects a case; results are logged with sol_log_64_ for the test to check.
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

unsafe extern "C" {
    fn sol_log_64_(a: u64, b: u64, c: u64, d: u64, e: u64);
}

fn log64(a: u64, b: u64, c: u64, d: u64, e: u64) {
    unsafe { sol_log_64_(a, b, c, d, e) }
}

// ---- soft-float: the f64 libcalls appear only at codegen ----
fn float_case(x: u64, y: u64) {
    let a = black_box(x) as f64;
    let b = black_box(y) as f64;
    let product = a * b * 1.5;
    let quotient = a / b;
    let sum = a + b - 0.25;
    log64(product as u64, (quotient * 1000.0) as u64, (sum * 4.0) as u64, (a < b) as u64, (a.sqrt() * 100.0) as u64);
}

// ---- memcmp / bcmp on runtime-length slices ----
fn compare_case(data: &[u8]) {
    let half = data.len() / 2;
    let (left, right) = data.split_at(half);
    let equal = black_box(left) == black_box(&right[..half]);
    let order = black_box(left).cmp(black_box(&right[..half])) as i8 as i64 as u64;
    log64(equal as u64, order, half as u64, 0, 0);
}

// ---- more than five arguments through a vtable and a function pointer ----
trait Combine {
    fn combine(&self, a: u64, b: u64, c: u64, d: u64, e: u64, f: u64, g: u64) -> u64;
}
struct Weighted(u64);
struct Xored;
impl Combine for Weighted {
    #[inline(never)]
    fn combine(&self, a: u64, b: u64, c: u64, d: u64, e: u64, f: u64, g: u64) -> u64 {
        self.0 * (a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g)
    }
}
impl Combine for Xored {
    #[inline(never)]
    fn combine(&self, a: u64, b: u64, c: u64, d: u64, e: u64, f: u64, g: u64) -> u64 {
        a ^ b ^ c ^ d ^ e ^ f ^ g
    }
}
#[inline(never)]
fn seven(a: u64, b: u64, c: u64, d: u64, e: u64, f: u64, g: u128) -> u64 {
    a * 1_000_000 + b * 100_000 + c * 10_000 + d * 1_000 + e * 100 + f * 10 + g as u64
}
fn args_case(pick: u8) {
    let objects: [Box<dyn Combine>; 2] = [Box::new(Weighted(2)), Box::new(Xored)];
    let object = black_box(&objects[(pick & 1) as usize]);
    let via_vtable = object.combine(1, 2, 3, 4, 5, 6, 7);
    let pointer: fn(u64, u64, u64, u64, u64, u64, u128) -> u64 = black_box(seven);
    let via_pointer = pointer(1, 2, 3, 4, 5, 6, 7);
    log64(via_vtable, via_pointer, 0, 0, 0);
}

// ---- heap allocations never reach the zero-initialised statics placed at the bottom of the heap ----
static MARKER: AtomicU64 = AtomicU64::new(0);
fn heap_case() {
    MARKER.store(0x5eed_cafe, Ordering::Relaxed);
    let mut total = 0u64;
    let layout = std::alloc::Layout::from_size_align(512, 8).unwrap();
    loop {
        // black_box: an allocation the optimiser can see through may be elided and assumed to succeed
        let p = black_box(unsafe { std::alloc::alloc(layout) });
        if p.is_null() {
            break;
        }
        unsafe { std::ptr::write_bytes(p, 0xff, 512) };
        total += 512;
    }
    log64(MARKER.load(Ordering::Relaxed), total, 0, 0, 0);
}

// ---- 128-bit checked multiply: llvm.{u,s}mul.with.overflow.i128 would be a libcall returning i128 ----
fn wide_mul_case(data: &[u8]) {
    let a = u128::from_le_bytes(data[1..17].try_into().unwrap());
    let b = u128::from_le_bytes(data[17..33].try_into().unwrap());
    let (value, ok) = if data[0] == 0 {
        match black_box(a).checked_mul(black_box(b)) {
            Some(v) => (v, 1),
            None => (0, 0),
        }
    } else {
        match black_box(a as i128).checked_mul(black_box(b as i128)) {
            Some(v) => (v as u128, 1),
            None => (0, 0),
        }
    };
    log64(ok, value as u64, (value >> 64) as u64, 0, 0);
}

#[cfg(feature = "nonzero-static")]
static COUNTER: AtomicU64 = AtomicU64::new(7);

#[cfg(feature = "big-frame")]
#[inline(never)]
fn oversized_frame(seed: u8) -> u64 {
    let mut scratch = [0u8; 6000];
    for (i, b) in scratch.iter_mut().enumerate() {
        *b = seed.wrapping_add(i as u8);
    }
    black_box(&mut scratch);
    scratch.iter().map(|&b| b as u64).sum()
}

/// # Safety
/// Called by the SBF loader with the serialized input (no accounts are passed to this fixture).
#[no_mangle]
pub unsafe extern "C" fn entrypoint(input: *mut u8) -> u64 {
    let accounts = unsafe { *(input as *const u64) };
    if accounts != 0 {
        return 1;
    }
    let len = unsafe { *(input.add(8) as *const u64) } as usize;
    let data = unsafe { std::slice::from_raw_parts(input.add(16), len) };
    match data.first().copied() {
        Some(0) => float_case(u64::from_le_bytes(data[1..9].try_into().unwrap()), u64::from_le_bytes(data[9..17].try_into().unwrap())),
        Some(1) => compare_case(&data[1..]),
        Some(2) => args_case(data[1]),
        Some(3) => heap_case(),
        Some(4) => panic!("boom with seed {}", data[1]),
        Some(8) => wide_mul_case(&data[1..]),
        Some(5) => {
            let v: Vec<u8> = black_box(Vec::new());
            log64(v[data[1] as usize] as u64, 0, 0, 0, 0);
        }
        #[cfg(feature = "nonzero-static")]
        Some(6) => log64(COUNTER.fetch_add(1, Ordering::Relaxed), 0, 0, 0, 0),
        #[cfg(feature = "big-frame")]
        Some(7) => log64(oversized_frame(data[1]), 0, 0, 0, 0),
        _ => return 2,
    }
    0
}
