//! Hand-written kernels for the training step's hot loops, each with a portable body and, on
//! x86-64, the same body compiled for AVX2 + FMA and picked at run time, so a default build is
//! fast on any x86-64. On wasm32 with `+simd128`, the `f32` kernels run explicit SIMD128 bodies
//! ([`simd128`]; with the `relaxed-simd` feature, fused relaxed multiply-adds). [`active`] says
//! which set this build and CPU run.
//!
//! - [`sparse`]: the first layer's two big products skip zero inputs (MNIST pixels are about
//!   81 % zeros): `X·W` and `Xᵀ·∂Z` become sums of rows of `W` and `∂Z` scaled by the non-zero
//!   pixels, each an `axpy` over a contiguous row.
//! - [`update`]: Adam's element-wise update in one vectorisable loop.
//! - [`all_finite`]: whether a slice holds only finite numbers, with independent accumulators.
//! - [`gemm`]: dense products for the convolutions (SIMD128 in wasm, `matrixmultiply`
//!   natively).
//!
//! Every kernel is checked against a naive reference ([`reference`]), natively and in the
//! browser. The native tests run each check twice: on the bodies this CPU dispatches to, and
//! inside [`on_portable_bodies`] on the portable ones (no AVX2/FMA, no explicit SSE or SIMD128
//! path), so the code a CPU without those instructions runs is tested on every machine.

pub mod gemm;
pub mod reference;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128;
pub mod sparse;
pub mod update;

use serde::{Deserialize, Serialize};

use crate::Scalar;

/// The instruction set the `f32` kernels run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KernelSet {
    /// Scalar code, vectorised only as far as the compiler managed.
    Portable,
    /// x86-64 AVX2 with fused multiply-add, picked at run time.
    Avx2Fma,
    /// WebAssembly SIMD128.
    Simd128,
    /// WebAssembly SIMD128 with relaxed fused multiply-add.
    RelaxedSimd,
}

impl KernelSet {
    /// A short name for people: `"AVX2+FMA"`, `"SIMD128"`, …
    pub fn label(self) -> &'static str {
        match self {
            KernelSet::Portable => "portable",
            KernelSet::Avx2Fma => "AVX2+FMA",
            KernelSet::Simd128 => "SIMD128",
            KernelSet::RelaxedSimd => "relaxed SIMD",
        }
    }

    /// The name in serialised form: `"portable"`, `"avx2_fma"`, `"simd128"`, `"relaxed_simd"`.
    pub fn id(self) -> &'static str {
        match self {
            KernelSet::Portable => "portable",
            KernelSet::Avx2Fma => "avx2_fma",
            KernelSet::Simd128 => "simd128",
            KernelSet::RelaxedSimd => "relaxed_simd",
        }
    }

    /// Whether the kernels use vector instructions.
    pub fn is_simd(self) -> bool {
        self != KernelSet::Portable
    }
}

#[cfg(test)]
thread_local! {
    /// Set on a thread while [`on_portable_bodies`] runs its closure there.
    static PORTABLE_BODIES_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the kernels may take their explicit vector paths (AVX2 + FMA, SSE, SIMD128) on this
/// thread: always, except in this crate's tests inside [`on_portable_bodies`].
#[inline(always)]
pub(crate) fn vector_paths_allowed() -> bool {
    #[cfg(test)]
    return !PORTABLE_BODIES_ONLY.get();
    #[cfg(not(test))]
    true
}

/// Runs `f` with this thread's kernels on their portable bodies: the code a CPU without AVX2,
/// FMA, SSE or SIMD128 runs. Tests hold those bodies to the same references as the dispatched
/// ones, on whatever machine they run.
#[cfg(test)]
pub(crate) fn on_portable_bodies<R>(f: impl FnOnce() -> R) -> R {
    /// Puts the thread's previous setting back, even if `f` panics.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            PORTABLE_BODIES_ONLY.set(self.0);
        }
    }
    let _restore = Restore(PORTABLE_BODIES_ONLY.replace(true));
    f()
}

/// Whether this thread may, and the CPU can, run the AVX2 + FMA bodies.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn avx2_fma() -> bool {
    vector_paths_allowed()
        && std::is_x86_feature_detected!("avx2")
        && std::is_x86_feature_detected!("fma")
}

/// The kernel set this build runs on this CPU.
pub fn active() -> KernelSet {
    if !vector_paths_allowed() {
        return KernelSet::Portable;
    }
    #[cfg(target_arch = "x86_64")]
    if avx2_fma() {
        return KernelSet::Avx2Fma;
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    return if simd128::RELAXED {
        KernelSet::RelaxedSimd
    } else {
        KernelSet::Simd128
    };
    #[allow(unreachable_code)]
    KernelSet::Portable
}

/// Generates `pub fn $name` that runs `$body::<F, true>` (fused multiply-add) under AVX2 + FMA
/// when the CPU has them (see [`avx2_fma`]), else `$body::<F, false>`, the portable body.
macro_rules! dispatch {
    ($(#[$meta:meta])* $vis:vis fn $name:ident<F: Scalar>($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? => $body:ident) => {
        $(#[$meta])*
        $vis fn $name<F: $crate::Scalar>($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2,fma")]
                fn accelerated<F: $crate::Scalar>($($arg: $ty),*) $(-> $ret)? {
                    $body::<F, true>($($arg),*)
                }
                if $crate::kernels::avx2_fma() {
                    // SAFETY: the CPU was just found to support AVX2 and FMA.
                    return unsafe { accelerated::<F>($($arg),*) };
                }
            }
            $body::<F, false>($($arg),*)
        }
    };
}
pub(crate) use dispatch;

/// `a·x + y`, fused into one rounding when `FMA` (only where the CPU has FMA: elsewhere
/// `mul_add` is a slow software call).
#[inline(always)]
pub(crate) fn madd<F: Scalar, const FMA: bool>(a: F, x: F, y: F) -> F {
    if FMA { a.mul_add(x, y) } else { a * x + y }
}

#[inline(always)]
fn all_finite_body<F: Scalar, const FMA: bool>(values: &[F]) -> bool {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if vector_paths_allowed()
        && let Some(values) = F::as_f32(values)
    {
        return simd128::all_finite(values);
    }
    // Thirty-two independent sums let the loop vectorise into four vector accumulators, so
    // it is not bound by one chain of dependent adds; any NaN or ±∞ makes its lane
    // non-finite (and an overflowing sum of finite numbers, just as unusable, is caught too).
    let mut lanes = [F::zero(); 32];
    let mut chunks = values.chunks_exact(32);
    for chunk in &mut chunks {
        for (lane, &v) in lanes.iter_mut().zip(chunk) {
            *lane += v * F::zero();
        }
    }
    let tail = chunks
        .remainder()
        .iter()
        .fold(F::zero(), |acc, &v| acc + v * F::zero());
    lanes.iter().fold(tail, |acc, &l| acc + l).is_finite()
}

dispatch! {
    /// Whether every value is finite (`0·v` is 0 for finite `v` and NaN for NaN or ±∞, so the
    /// sum of those products is finite exactly when every value is).
    pub fn all_finite<F: Scalar>(values: &[F]) -> bool => all_finite_body
}
