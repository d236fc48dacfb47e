"""PyTorch HNN training step as in the HNN paper's reference code (Greydanus et al. 2019, github.com/greydanus/
hamiltonian-nn: nn_models.MLP, hnn.HNN, train.py), the peer of noether's HNN trainer (host/hnn/train.cpp).

Written as the reference is: MLP Linear(2,200)-tanh-Linear(200,200)-tanh-Linear(200,1, bias=None); the field is
the symplectic gradient of H_θ, dH = torch.autograd.grad(H.sum(), x, create_graph=True), (dH/dp, −dH/dq)
(the reference's `dF2 @ M.t()`); loss (dxdt − dxdt_hat).pow(2).mean(); torch.optim.Adam(lr 1e-3,
weight_decay 1e-4); full batch (the mass-spring protocol: 750 training rows). One difference from train.py: the
reference also evaluates the test loss inside every step (for its log); that is not part of a training step and
is left out here, as noether does not do it either. Float64 by default (noether trains in float64); --float32
gives the reference's own dtype.

    python torch_hnn.py --case CASE.npz --steps 20,60 [--threads 1] [--float32] [--device cpu|cuda]
prints one JSON line {"seconds_per_step": ..., "loss_first": ..., ...}; CASE.npz holds x, dxdt (n, 2), n_train
and the initial parameters `params` in noether's flat order [W1 (out×in), b1, W2, b2, W3, b3] (hnn_compare.py
writes it from noether's own initialisation). `--check K` instead trains K steps and prints the final full-batch
loss and parameters (for the equivalence check). Run by run.sh --suite hnn; never by ctest (it times things).
"""
import argparse
import json
import time

import numpy as np
import torch


class MLP(torch.nn.Module):  # nn_models.MLP of the reference (orthogonal init replaced by noether's weights)
    def __init__(self, input_dim, hidden_dim, output_dim):
        super().__init__()
        self.linear1 = torch.nn.Linear(input_dim, hidden_dim)
        self.linear2 = torch.nn.Linear(hidden_dim, hidden_dim)
        self.linear3 = torch.nn.Linear(hidden_dim, output_dim, bias=None)

    def forward(self, x):
        h = torch.tanh(self.linear1(x))
        h = torch.tanh(self.linear2(h))
        return self.linear3(h)


class HNN(torch.nn.Module):  # hnn.HNN of the reference, field_type "solenoidal" (its default)
    def __init__(self, input_dim, model):
        super().__init__()
        self.differentiable_model = model
        n = input_dim
        M = torch.eye(n)
        self.M = torch.cat([M[n // 2:], -M[:n // 2]])  # permutation_tensor

    def time_derivative(self, x):
        F2 = self.differentiable_model(x)
        dF2 = torch.autograd.grad(F2.sum(), x, create_graph=True)[0]
        return dF2 @ self.M.t().to(dF2)


def L2_loss(u, v):
    return (u - v).pow(2).mean()


def build(case, dtype, device):
    x = torch.tensor(case["x"], dtype=dtype, device=device)
    y = torch.tensor(case["dxdt"], dtype=dtype, device=device)
    n_train = int(case["n_train"])
    dim = x.shape[1]
    p = np.asarray(case["params"], np.float64)
    hidden = int(case["hidden"])
    mlp = MLP(dim, hidden, 1).to(dtype=dtype, device=device)
    shapes = [(mlp.linear1.weight, (hidden, dim)), (mlp.linear1.bias, (hidden,)), (mlp.linear2.weight, (hidden, hidden)),
              (mlp.linear2.bias, (hidden,)), (mlp.linear3.weight, (1, hidden))]
    k = 0
    with torch.no_grad():
        for t, shape in shapes:
            size = int(np.prod(shape))
            t.copy_(torch.tensor(p[k:k + size].reshape(shape), dtype=dtype, device=device))
            k += size
    assert k + 1 == p.size and p[k] == 0.0, "expected noether's layout with a zero (frozen) output bias"
    model = HNN(dim, mlp)
    optim = torch.optim.Adam(model.parameters(), 1e-3, weight_decay=1e-4)
    xt = x[:n_train].clone().requires_grad_(True)
    return model, optim, xt, y[:n_train]


def train(model, optim, x, dxdt, steps):
    loss = None
    for _ in range(steps):
        dxdt_hat = model.time_derivative(x)
        loss = L2_loss(dxdt, dxdt_hat)
        loss.backward()
        optim.step()
        optim.zero_grad()
    return loss


def flat_params(model):
    m = model.differentiable_model
    ps = [m.linear1.weight, m.linear1.bias, m.linear2.weight, m.linear2.bias, m.linear3.weight]
    return np.concatenate([p.detach().cpu().double().numpy().ravel() for p in ps] + [np.zeros(1)])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", required=True)
    ap.add_argument("--steps", default="20,60", help="two step counts; seconds/step = Δtime / Δsteps")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--float32", action="store_true")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--check", type=int, default=0)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    dtype = torch.float32 if args.float32 else torch.float64
    case = dict(np.load(args.case))
    sync = torch.cuda.synchronize if args.device == "cuda" else (lambda: None)
    if args.check:
        model, optim, x, y = build(case, dtype, args.device)
        train(model, optim, x, y, args.check)
        final = L2_loss(y, model.time_derivative(x)).item()
        np.save(args.case.replace(".npz", "_torch_params.npy"), flat_params(model))
        print(json.dumps({"steps": args.check, "train_loss": final}))
        return
    s1, s2 = (int(s) for s in args.steps.split(","))
    model, optim, x, y = build(case, dtype, args.device)
    train(model, optim, x, y, 3)  # warm-up (allocator, thread pool)
    sync()
    seconds = []
    for s in (s1, s2):
        t0 = time.perf_counter()
        train(model, optim, x, y, s)
        sync()
        seconds.append(time.perf_counter() - t0)
    print(json.dumps({"seconds_per_step": (seconds[1] - seconds[0]) / (s2 - s1), "seconds": seconds,
                      "steps": [s1, s2], "threads": args.threads, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
