//! Criterion benchmarks of the engine's hot paths, on synthetic MNIST-shaped data (about 19 %
//! non-zero pixels, like MNIST), so they run without the data files.
//!
//! `cargo bench -p neurite` runs them all; `cargo bench -p neurite -- train_step` one group
//! (`train_step`, `parts_batch32`, `kernels`, `trainer`).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ndarray::Array2;
use neurite::loss::Targets;
use neurite::model::Penalties;
use neurite::{Config, Dataset, Loss, Optimizer, OptimizerSpec, Sequential, Trainer};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

fn mnist_like(samples: usize) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let pixels = (0..samples * 784)
        .map(|_| {
            if rng.random::<f32>() < 0.19 {
                rng.random_range(1..=255)
            } else {
                0
            }
        })
        .collect();
    let labels = (0..samples).map(|i| (i % 10) as u8).collect();
    Dataset::new(vec![28, 28], pixels, labels, 10).expect("synthetic data is consistent")
}

fn batch(data: &Dataset, size: usize) -> (Array2<f32>, Vec<u8>) {
    let mut x = Array2::zeros((size, 784));
    let mut labels = Vec::new();
    let indices: Vec<u32> = (0..size as u32).collect();
    data.gather(
        &indices,
        neurite::PixelMode::Scaled,
        x.view_mut(),
        &mut labels,
    );
    (x, labels)
}

fn train_step(c: &mut Criterion) {
    let data = mnist_like(256);
    let mut group = c.benchmark_group("train_step");
    for size in [32usize, 128] {
        let (x, labels) = batch(&data, size);
        let spec = Config::default().model;
        let mut model = Sequential::<f32>::from_spec(&spec, 1).expect("seed model");
        let mut adam = Optimizer::<f32>::new(OptimizerSpec::adam());
        group.throughput(Throughput::Elements(size as u64));
        group.bench_with_input(BenchmarkId::new("seed_mlp_adam", size), &size, |b, _| {
            b.iter(|| {
                model.forward(x.view(), true);
                let loss = model.backward(
                    Loss::SparseCategoricalCrossentropy,
                    Targets::Classes(&labels),
                    Penalties::default(),
                );
                adam.step(1e-3, &mut model.params_mut());
                black_box(loss)
            })
        });
    }
    group.finish();
}

fn parts(c: &mut Criterion) {
    let data = mnist_like(64);
    let (x, labels) = batch(&data, 32);
    let mut model = Sequential::<f32>::from_spec(&Config::default().model, 1).expect("seed model");
    let mut group = c.benchmark_group("parts_batch32");
    group.bench_function("forward", |b| {
        b.iter(|| black_box(model.forward(x.view(), true)[[0, 0]]))
    });
    model.forward(x.view(), true);
    group.bench_function("backward", |b| {
        b.iter(|| {
            black_box(model.backward(
                Loss::SparseCategoricalCrossentropy,
                Targets::Classes(&labels),
                Penalties::default(),
            ))
        })
    });
    let mut adam = Optimizer::<f32>::new(OptimizerSpec::adam());
    group.bench_function("adam_update", |b| {
        b.iter(|| adam.step(1e-3, &mut model.params_mut()))
    });
    group.finish();

    let one = x.slice(ndarray::s![0..1, ..]).to_owned();
    c.bench_function("predict_one_digit", |b| {
        b.iter(|| black_box(model.predict(one.view())))
    });
}

/// Each kernel alone, on the seed model's first-layer shapes (batch 32, 784 → 128, MNIST-like
/// density) and its 101 770 parameters.
fn kernels(c: &mut Criterion) {
    use neurite::kernels::reference::{dense, sparse_input};
    use neurite::kernels::sparse::{SparseRows, sparse_matmul, sparse_t_matmul};
    use neurite::kernels::update::{AdamStep, adam_update};

    let x = sparse_input(32, 784, 0.19, 1);
    let w = dense(784, 128, 2);
    let dz = dense(32, 128, 3);
    let mut rows = SparseRows::new();
    let mut group = c.benchmark_group("kernels");
    group.bench_function("compress_32x784", |b| {
        b.iter(|| black_box(rows.compress(x.view())))
    });
    let mut out = Array2::zeros((32, 128));
    group.bench_function("sparse_matmul_32x784x128", |b| {
        b.iter(|| sparse_matmul(&rows, w.view(), out.view_mut()))
    });
    let mut grad = Array2::zeros((784, 128));
    group.bench_function("sparse_t_matmul_32x784x128", |b| {
        b.iter(|| sparse_t_matmul(&rows, dz.view(), grad.view_mut()))
    });
    let n = 101_770;
    let g = vec![1e-3f32; n];
    let (mut params, mut m, mut v) = (vec![0.1f32; n], vec![0.0f32; n], vec![0.0f32; n]);
    let step = AdamStep {
        alpha: 1e-3,
        one_minus_beta_1: 0.1,
        one_minus_beta_2: 1e-3,
        epsilon: 1e-7,
    };
    group.bench_function("adam_update_101770", |b| {
        b.iter(|| adam_update(step, &mut params, &g, &mut m, &mut v))
    });
    group.bench_function("all_finite_101770", |b| {
        b.iter(|| black_box(neurite::kernels::all_finite(&g)))
    });
    group.finish();
}

fn epoch_slice(c: &mut Criterion) {
    let data = mnist_like(3_200);
    let mut group = c.benchmark_group("trainer");
    group.throughput(Throughput::Elements(3_200));
    group.sample_size(10);
    group.bench_function("seed_program_100_batches", |b| {
        b.iter(|| {
            let mut config = Config::default();
            config.training.epochs = 1;
            let mut trainer = Trainer::new(config.check().expect("valid")).expect("model");
            black_box(trainer.run_epoch(&data).expect("trains").loss)
        })
    });
    group.finish();
}

criterion_group!(benches, train_step, parts, kernels, epoch_slice);
criterion_main!(benches);
