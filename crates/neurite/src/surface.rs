//! Two-dimensional loss surfaces, the textbook test functions of optimization, and the path
//! the engine's own [`Optimizer`] takes on them ([`descend`]).
//!
//! A real network's loss has millions of coordinates; these have two, so a learner can see the
//! whole landscape and watch SGD zig-zag across a narrow valley, momentum overshoot, and Adam
//! rescale each coordinate. The update rules are exactly those that train the MNIST model:
//! [`descend`] wraps the point in a two-number parameter tensor and calls [`Optimizer::step`].

use crate::layers::ParamMut;
use crate::{Optimizer, OptimizerSpec};

/// A point `(x, y)` of the plane.
pub type Point = [f64; 2];

/// The most updates [`descend`] takes: a request for more is the caller's to refuse.
pub const MAX_STEPS: usize = 10_000;

/// A coordinate beyond this, or a loss that is not finite, ends a path as diverged.
pub const DIVERGED_BEYOND: f64 = 1e6;

/// A loss surface `f(x, y)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// `½x² + 5y²`: an elongated bowl, condition number 10.
    Bowl,
    /// Rosenbrock's banana valley, `(1 − x)² + 100(y − x²)²`; minimum at `(1, 1)`.
    Rosenbrock,
    /// `x² − y²`: a saddle, flat at the origin, with no minimum.
    Saddle,
    /// Beale's function, `(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²`;
    /// minimum at `(3, 0.5)`.
    Beale,
    /// Himmelblau's function, `(x² + y − 11)² + (x + y² − 7)²`: four minima.
    Himmelblau,
}

impl Surface {
    /// Every surface.
    pub const ALL: [Surface; 5] = [
        Surface::Bowl,
        Surface::Rosenbrock,
        Surface::Saddle,
        Surface::Beale,
        Surface::Himmelblau,
    ];

    /// Its name (`bowl`, `rosenbrock`, …).
    pub fn name(self) -> &'static str {
        match self {
            Surface::Bowl => "bowl",
            Surface::Rosenbrock => "rosenbrock",
            Surface::Saddle => "saddle",
            Surface::Beale => "beale",
            Surface::Himmelblau => "himmelblau",
        }
    }

    /// `f(x, y)`.
    pub fn value(self, [x, y]: Point) -> f64 {
        match self {
            Surface::Bowl => 0.5 * x * x + 5.0 * y * y,
            Surface::Rosenbrock => (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2),
            Surface::Saddle => x * x - y * y,
            Surface::Beale => {
                let (a, b, c) = beale_terms(x, y);
                a * a + b * b + c * c
            }
            Surface::Himmelblau => (x * x + y - 11.0).powi(2) + (x + y * y - 7.0).powi(2),
        }
    }

    /// `∇f(x, y) = (∂f/∂x, ∂f/∂y)`, derived by hand (checked against central differences in the
    /// tests).
    pub fn gradient(self, [x, y]: Point) -> Point {
        match self {
            Surface::Bowl => [x, 10.0 * y],
            // ∂/∂x = −2(1 − x) − 400x(y − x²), ∂/∂y = 200(y − x²).
            Surface::Rosenbrock => [
                -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
                200.0 * (y - x * x),
            ],
            Surface::Saddle => [2.0 * x, -2.0 * y],
            // With a = 1.5 − x + xy, b = 2.25 − x + xy², c = 2.625 − x + xy³:
            // ∂/∂x = 2a(y − 1) + 2b(y² − 1) + 2c(y³ − 1), ∂/∂y = 2a·x + 2b·2xy + 2c·3xy².
            Surface::Beale => {
                let (a, b, c) = beale_terms(x, y);
                [
                    2.0 * (a * (y - 1.0) + b * (y * y - 1.0) + c * (y.powi(3) - 1.0)),
                    2.0 * (a * x + b * 2.0 * x * y + c * 3.0 * x * y * y),
                ]
            }
            // With u = x² + y − 11, v = x + y² − 7: ∂/∂x = 4xu + 2v, ∂/∂y = 2u + 4yv.
            Surface::Himmelblau => {
                let (u, v) = (x * x + y - 11.0, x + y * y - 7.0);
                [4.0 * x * u + 2.0 * v, 2.0 * u + 4.0 * y * v]
            }
        }
    }

    /// The region a view shows: `([x_min, x_max], [y_min, y_max])`.
    pub fn region(self) -> (Point, Point) {
        match self {
            Surface::Bowl => ([-4.0, 4.0], [-2.0, 2.0]),
            Surface::Rosenbrock => ([-2.0, 2.0], [-1.0, 3.0]),
            Surface::Saddle => ([-2.0, 2.0], [-2.0, 2.0]),
            Surface::Beale => ([-4.5, 4.5], [-4.5, 4.5]),
            Surface::Himmelblau => ([-5.0, 5.0], [-5.0, 5.0]),
        }
    }

    /// A start that shows the surface's character.
    pub fn default_start(self) -> Point {
        match self {
            Surface::Bowl => [-3.5, 1.5],
            Surface::Rosenbrock => [-1.5, 2.0],
            Surface::Saddle => [-1.5, 0.05],
            Surface::Beale => [1.0, 1.5],
            Surface::Himmelblau => [0.0, 0.0],
        }
    }

    /// Its minima (none for the saddle).
    pub fn minima(self) -> &'static [Point] {
        match self {
            Surface::Bowl => &[[0.0, 0.0]],
            Surface::Rosenbrock => &[[1.0, 1.0]],
            Surface::Saddle => &[],
            Surface::Beale => &[[3.0, 0.5]],
            // Himmelblau (1972); the last three to six digits, as published.
            Surface::Himmelblau => &[
                [3.0, 2.0],
                [-2.805_118, 3.131_312],
                [-3.779_310, -3.283_186],
                [3.584_428, -1.848_126],
            ],
        }
    }
}

/// Beale's three terms at `(x, y)`.
fn beale_terms(x: f64, y: f64) -> (f64, f64, f64) {
    (
        1.5 - x + x * y,
        2.25 - x + x * y * y,
        2.625 - x + x * y.powi(3),
    )
}

/// An optimizer's path on a surface.
#[derive(Debug, Clone, PartialEq)]
pub struct Descent {
    /// The start, then the point after each update.
    pub points: Vec<Point>,
    /// `f` at each point.
    pub losses: Vec<f64>,
    /// `∇f` at each point (what the next update would use).
    pub gradients: Vec<Point>,
    /// Whether the path left the plane (a coordinate past [`DIVERGED_BEYOND`] or a loss that is
    /// not finite); it stops there.
    pub diverged: bool,
}

impl Descent {
    /// The updates taken (one less than the points).
    pub fn steps(&self) -> usize {
        self.points.len() - 1
    }

    /// The last point.
    pub fn end(&self) -> Point {
        *self.points.last().expect("a path has its start")
    }
}

/// Whether the path has left the plane at `point`.
fn escaped(point: Point, loss: f64) -> bool {
    !loss.is_finite()
        || point
            .iter()
            .any(|c| c.is_nan() || c.abs() > DIVERGED_BEYOND)
}

/// `steps` updates (at most [`MAX_STEPS`]) of the engine's optimizer `spec`, with
/// `learning_rate`, from `start` on `surface`, in `f64`. The point is one parameter tensor of
/// two numbers; each update sets its gradient to `∇f` and calls [`Optimizer::step`].
pub fn descend(
    surface: Surface,
    spec: OptimizerSpec,
    learning_rate: f64,
    start: Point,
    steps: usize,
) -> Descent {
    let steps = steps.min(MAX_STEPS);
    let mut optimizer = Optimizer::<f64>::new(spec);
    let mut point = start;
    let mut descent = Descent {
        points: Vec::with_capacity(steps + 1),
        losses: Vec::with_capacity(steps + 1),
        gradients: Vec::with_capacity(steps + 1),
        diverged: false,
    };
    for step in 0..=steps {
        let loss = surface.value(point);
        let gradient = surface.gradient(point);
        descent.points.push(point);
        descent.losses.push(loss);
        descent.gradients.push(gradient);
        if escaped(point, loss) || gradient.iter().any(|g| !g.is_finite()) {
            descent.diverged = true;
            break;
        }
        if step == steps {
            break;
        }
        let mut grad = gradient;
        optimizer.step(
            learning_rate,
            &mut [ParamMut {
                name: "point",
                shape: vec![2],
                value: &mut point,
                grad: &mut grad,
                penalized: false,
            }],
        );
    }
    descent
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_gradient_matches_central_differences() {
        let h = 1e-6;
        let points = [
            [0.3, -0.7],
            [-1.2, 1.9],
            [2.5, 0.4],
            [-3.1, -2.2],
            [0.0, 0.0],
        ];
        for surface in Surface::ALL {
            for p in points {
                let g = surface.gradient(p);
                for axis in 0..2 {
                    let (mut up, mut down) = (p, p);
                    up[axis] += h;
                    down[axis] -= h;
                    let numeric = (surface.value(up) - surface.value(down)) / (2.0 * h);
                    let scale = 1.0_f64.max(g[axis].abs());
                    assert!(
                        (numeric - g[axis]).abs() / scale < 1e-6,
                        "{surface:?} at {p:?}, axis {axis}: {numeric} vs {}",
                        g[axis]
                    );
                }
            }
        }
    }

    #[test]
    fn minima_are_minima() {
        for surface in Surface::ALL {
            for &m in surface.minima() {
                let g = surface.gradient(m);
                assert!(
                    g[0].abs() < 1e-3 && g[1].abs() < 1e-3,
                    "{surface:?} {m:?}: {g:?}"
                );
                assert!(surface.value(m) < 1e-9, "{surface:?} {m:?}");
            }
        }
    }

    #[test]
    fn momentum_takes_kerass_first_two_steps() {
        // Bowl from (1, 1), η = 0.1, μ = 0.9. g₀ = (1, 10).
        // v₁ = −0.1·(1, 10) = (−0.1, −1); p₁ = (0.9, 0).
        // g₁ = (0.9, 0); v₂ = 0.9·(−0.1, −1) − 0.1·(0.9, 0) = (−0.18, −0.9); p₂ = (0.72, −0.9).
        let spec = OptimizerSpec::Sgd {
            momentum: 0.9,
            nesterov: false,
        };
        let path = descend(Surface::Bowl, spec, 0.1, [1.0, 1.0], 2);
        let expected = [[1.0, 1.0], [0.9, 0.0], [0.72, -0.9]];
        for (got, want) in path.points.iter().zip(expected) {
            assert!((got[0] - want[0]).abs() < 1e-12 && (got[1] - want[1]).abs() < 1e-12);
        }
    }

    #[test]
    fn adam_takes_kerass_first_two_steps() {
        // Bowl from (1, 1), η = 0.1, β₁ = 0.9, β₂ = 0.999, ε = 1e-7. Step 1: g = (1, 10),
        // m = 0.1g = (0.1, 1), v = 0.001g² = (0.001, 0.1), α = 0.1·√0.001/0.1 = √0.001,
        // Δ = α·m/(√v + ε) = (√0.001·0.1/(√0.001 + 1e-7), √0.001·1/(√0.1 + 1e-7)).
        let eps = 1e-7;
        let a1 = 0.001_f64.sqrt();
        let x1 = 1.0 - a1 * 0.1 / (0.001_f64.sqrt() + eps);
        let y1 = 1.0 - a1 * 1.0 / (0.1_f64.sqrt() + eps);
        // Step 2: g = (x1, 10·y1), m = 0.9m + 0.1g, v = 0.999v + 0.001g²,
        // α = 0.1·√(1 − 0.999²)/(1 − 0.9²).
        let g = [x1, 10.0 * y1];
        let m = [0.9 * 0.1 + 0.1 * g[0], 0.9 * 1.0 + 0.1 * g[1]];
        let v = [
            0.999 * 0.001 + 0.001 * g[0] * g[0],
            0.999 * 0.1 + 0.001 * g[1] * g[1],
        ];
        let a2 = 0.1 * (1.0 - 0.999_f64.powi(2)).sqrt() / (1.0 - 0.9_f64.powi(2));
        let x2 = x1 - a2 * m[0] / (v[0].sqrt() + eps);
        let y2 = y1 - a2 * m[1] / (v[1].sqrt() + eps);
        let path = descend(Surface::Bowl, OptimizerSpec::adam(), 0.1, [1.0, 1.0], 2);
        for (got, want) in path.points.iter().zip([[1.0, 1.0], [x1, y1], [x2, y2]]) {
            assert!((got[0] - want[0]).abs() < 1e-12, "{got:?} vs {want:?}");
            assert!((got[1] - want[1]).abs() < 1e-12, "{got:?} vs {want:?}");
        }
    }

    #[test]
    fn a_path_is_the_optimizer_applied_step_by_step() {
        let spec = OptimizerSpec::rmsprop();
        let path = descend(Surface::Rosenbrock, spec, 0.01, [-1.5, 2.0], 50);
        let mut optimizer = Optimizer::<f64>::new(spec);
        let mut p = [-1.5, 2.0];
        for (i, &point) in path.points.iter().enumerate() {
            assert_eq!(point, p, "step {i}");
            assert_eq!(path.losses[i], Surface::Rosenbrock.value(p));
            let mut g = Surface::Rosenbrock.gradient(p);
            optimizer.step(
                0.01,
                &mut [ParamMut {
                    name: "p",
                    shape: vec![2],
                    value: &mut p,
                    grad: &mut g,
                    penalized: false,
                }],
            );
        }
        assert_eq!(path.steps(), 50);
        assert!(!path.diverged);
    }

    #[test]
    fn a_huge_step_diverges_and_stops_and_steps_are_bounded() {
        let path = descend(Surface::Bowl, OptimizerSpec::sgd(), 5.0, [1.0, 1.0], 1000);
        assert!(path.diverged);
        assert!(path.steps() < 1000);
        assert!(path.losses.iter().all(|l| l.is_finite()) || path.diverged);
        let long = descend(
            Surface::Bowl,
            OptimizerSpec::sgd(),
            0.01,
            [1.0, 1.0],
            usize::MAX,
        );
        assert_eq!(long.steps(), MAX_STEPS);
        // Different learning rates give different paths.
        let other = descend(Surface::Bowl, OptimizerSpec::sgd(), 0.02, [1.0, 1.0], 10);
        let same = descend(Surface::Bowl, OptimizerSpec::sgd(), 0.01, [1.0, 1.0], 10);
        assert_ne!(other.end(), same.end());
    }
}
