//! The PyTorch script's training: the loss as Neurite computes it, the optimizer with the
//! file's settings (saying where torch's update rule differs from Neurite's), and the loop,
//! which under `torchrun` runs one process per device with `DistributedDataParallel`.

use neurite::{Activation, Loss, OptimizerSpec};

use crate::python::common::Training;
use crate::python::literal::{boolean, docstring, float};

/// `loss_function(outputs, labels)`: the network's outputs (logits when the model has a head)
/// against the class labels, as Neurite computes the configuration's loss.
pub fn loss_function(training: &Training, head: Option<Activation>, classes: usize) -> String {
    let loss = training.config.loss;
    let fused = head.is_some_and(|head| loss.fuses_with(head));
    let one_hot = format!("F.one_hot(labels, {classes}).float()");
    let outputs = if head.is_some() {
        "probabilities(outputs)"
    } else {
        "outputs"
    };
    let (doc, body) = match (loss, fused) {
        (Loss::SparseCategoricalCrossentropy | Loss::CategoricalCrossentropy, true) => (
            format!(
                "{}, from the logits of the softmax, as Neurite computes it.",
                title(loss)
            ),
            "return F.cross_entropy(outputs, labels)".to_owned(),
        ),
        (Loss::BinaryCrossentropy, true) => (
            "Binary cross-entropy of each output against the labels one-hot, from the logits of \
             the sigmoid, as Neurite computes it."
                .to_owned(),
            format!("return F.binary_cross_entropy_with_logits(outputs, {one_hot})"),
        ),
        (Loss::MeanSquaredError, _) => (
            "Mean squared error against the labels one-hot.".to_owned(),
            format!("return F.mse_loss({outputs}, {one_hot})"),
        ),
        (Loss::SparseCategoricalCrossentropy | Loss::CategoricalCrossentropy, false) => (
            format!(
                "{}, from the outputs taken as probabilities, as Neurite (and Keras) take them: \
                 each row divided by its sum, then clipped to [1e-7, 1 - 1e-7].",
                title(loss)
            ),
            format!(
                "p = {outputs}\n    p = (p / p.sum(dim=1, keepdim=True)).clamp(1e-7, 1 - 1e-7)\n    \
                 return F.nll_loss(torch.log(p), labels)"
            ),
        ),
        (Loss::BinaryCrossentropy, false) => (
            "Binary cross-entropy of each output against the labels one-hot, the outputs clipped \
             to [1e-7, 1 - 1e-7] as Neurite (and Keras) clip them."
                .to_owned(),
            format!("return F.binary_cross_entropy({outputs}.clamp(1e-7, 1 - 1e-7), {one_hot})"),
        ),
    };
    let import_torch = if body.contains("torch.log") {
        "    import torch\n"
    } else {
        ""
    };
    format!(
        "\n\ndef loss_function(outputs, labels):\n{}{import_torch}    import torch.nn.functional as F\n\n    {body}\n",
        docstring(&doc, 4)
    )
}

/// The loss's name at the start of a sentence.
fn title(loss: Loss) -> &'static str {
    match loss {
        Loss::SparseCategoricalCrossentropy => "Sparse categorical cross-entropy",
        Loss::CategoricalCrossentropy => "Categorical cross-entropy against the labels one-hot",
        Loss::MeanSquaredError => "Mean squared error",
        Loss::BinaryCrossentropy => "Binary cross-entropy",
    }
}

/// `penalty(model)`, when the configuration has an L1 or L2 penalty; empty otherwise.
pub fn penalty_function(training: &Training) -> String {
    if !training.has_penalty() {
        return String::new();
    }
    let mut terms = Vec::new();
    if training.config.l1 != 0.0 {
        terms.push("L1 * sum(kernel.abs().sum() for kernel in kernels)");
    }
    if training.config.l2 != 0.0 {
        terms.push("L2 * sum(kernel.square().sum() for kernel in kernels)");
    }
    let doc = "Neurite's weight penalty, l1·Σ|w| + l2·Σw² over the kernels (not the biases), \
               added to the loss as Keras's kernel_regularizer adds it; its L2 part is torch's \
               weight_decay = 2·l2 on the kernels alone.";
    format!(
        "\n\ndef penalty(model):\n{}    kernels = [weight for name, weight in model.named_parameters() if name.endswith(\".weight\")]\n    return {}\n",
        docstring(doc, 4),
        terms.join(" + ")
    )
}

/// `make_optimizer(model)`: the configuration's optimizer in torch, saying where torch's rule
/// differs from Neurite's (which is Keras's).
pub fn optimizer_function(training: &Training) -> String {
    let origin = if training.recorded {
        "as the checkpoint trained"
    } else {
        "as the seed program trains"
    };
    let lr = float(training.config.learning_rate);
    let (doc, construct) = match training.config.optimizer {
        OptimizerSpec::Adam {
            beta_1,
            beta_2,
            epsilon,
        } => {
            let (b1, b2, eps) = (float(beta_1), float(beta_2), float(epsilon));
            (
                format!(
                    "Adam {origin}: learning rate {lr}, β₁ {b1}, β₂ {b2}, ε {eps}. Neurite (as \
                     Keras) adds ε to √v before the bias correction, torch after it: torch's \
                     steps are Neurite's with ε·√(1 − β₂ᵗ) in place of ε, which tells only while \
                     √v is near ε."
                ),
                format!(
                    "torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=({b1}, {b2}), eps={eps})"
                ),
            )
        }
        OptimizerSpec::Sgd { momentum: 0.0, .. } => (
            format!("Plain SGD {origin}, learning rate {lr}: w ← w − ηg, as Neurite's."),
            "torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)".to_owned(),
        ),
        OptimizerSpec::Sgd { momentum, nesterov } => {
            let mu = float(momentum);
            let kind = if nesterov { "Nesterov's " } else { "" };
            (
                format!(
                    "SGD with {kind}momentum {origin}: learning rate {lr}, momentum {mu}. torch \
                     sums the gradients (b ← μb + g, w ← w − ηb) where Neurite (as Keras) sums \
                     the steps (v ← μv − ηg, w ← w + v): the same steps while the learning rate \
                     stays the same."
                ),
                format!(
                    "torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum={mu}, nesterov={})",
                    boolean(nesterov)
                ),
            )
        }
        OptimizerSpec::Rmsprop {
            rho,
            momentum,
            epsilon,
        } => {
            let (rho, mu, eps) = (float(rho), float(momentum), float(epsilon));
            (
                format!(
                    "RMSprop {origin}: learning rate {lr}, ρ {rho}, momentum {mu}, ε {eps}. torch \
                     adds ε to √s (g / (√s + ε)), Neurite (as Keras) under the root \
                     (g / √(s + ε)); with momentum, torch sums the scaled gradients and Neurite \
                     the steps, the same while the learning rate stays the same."
                ),
                format!(
                    "torch.optim.RMSprop(model.parameters(), lr=LEARNING_RATE, alpha={rho}, eps={eps}, momentum={mu})"
                ),
            )
        }
    };
    format!(
        "\n\ndef make_optimizer(model):\n{}    import torch\n\n    return {construct}\n",
        docstring(&doc, 4)
    )
}

/// `train(args, metadata, tensors)`: the loop, on one process or, under `torchrun`, on each.
pub fn train_function(training: &Training) -> String {
    let penalty = if training.has_penalty() {
        " + penalty(model)"
    } else {
        ""
    };
    TRAIN.replace("@PENALTY@", penalty)
}

const TRAIN: &str = r#"

def train(args, metadata, tensors):
    """Trains further, then writes the weights back into a Neurite model file. Under torchrun
    (which sets WORLD_SIZE), each process trains a replica with DistributedDataParallel on its
    share of every epoch (DistributedSampler), and the first process evaluates and saves."""
    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel
    from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

    distributed = "WORLD_SIZE" in os.environ
    if torch.cuda.is_available():
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
        torch.cuda.set_device(device)
    else:
        device = torch.device("cpu")
    if distributed:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    first_process = not distributed or dist.get_rank() == 0

    model = loaded_model(tensors).to(device)
    network = model
    if distributed:
        network = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
    x, labels = read_split(args.data, "train", args.pixels)
    if args.train_subset:
        x, labels = x[: args.train_subset], labels[: args.train_subset]
    samples = TensorDataset(torch.from_numpy(x), torch.from_numpy(labels))
    sampler = DistributedSampler(samples) if distributed else None
    # Each process takes batches of --batch-size: under torchrun, one step sees WORLD_SIZE of them.
    loader = DataLoader(samples, batch_size=args.batch_size, shuffle=sampler is None, sampler=sampler)
    optimizer = make_optimizer(model)
    x_test, labels_test = read_split(args.data, "t10k", args.pixels)
    for epoch in range(1, args.epochs + 1):
        if sampler is not None:
            sampler.set_epoch(epoch)
        network.train()
        loss_sum, seen = 0.0, 0
        for inputs, targets in loader:
            inputs, targets = inputs.to(device), targets.to(device)
            optimizer.zero_grad()
            loss = loss_function(network(inputs), targets)@PENALTY@
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * len(targets)
            seen += len(targets)
        if first_process:
            model.eval()
            with torch.no_grad():
                predict = lambda batch: model(torch.from_numpy(batch).to(device)).argmax(dim=1).cpu().numpy()
                accuracy = (in_batches(predict, x_test) == labels_test).mean()
            print(f"epoch {epoch}/{args.epochs}: loss {loss_sum / seen:.4f} on this process's samples, test accuracy {accuracy:.4f}")
    if first_process:
        state = {name: value.cpu().numpy() for name, value in model.state_dict().items()}
        write_safetensors(args.out, model_metadata(metadata), file_tensors(state))
        print(f"saved {args.out}")
    if distributed:
        dist.destroy_process_group()
"#;
