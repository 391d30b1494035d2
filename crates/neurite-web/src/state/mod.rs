//! The playground's state in small slices, each with a pure reducer of the worker's replies:
//! platform-free, so that what a reply does to the page is tested natively. The page keeps each
//! slice in a signal of its own and passes it to the panels that read it.
//!
//! - [`run`]: the run in the worker — its configuration, phase, progress, curves, last epoch.
//! - [`data`]: how far MNIST has come.
//! - [`notice`]: what the banner says.
//! - [`example`]: the example "show the math" takes apart, and the worker's report on it.
//! - [`saved`]: stored runs, and which of them each of the worker's runs is written to.
//! - [`compare`]: what differs between two runs' configurations, for the legend of runs
//!   drawn side by side.
//! - [`curves_file`]: a stored run's curves as JSON and CSV files.
//! - [`my_digits`]: the learner's own handwriting, kept as training data.
//! - [`paced`]: how a long list reaches the page a few items per task.
//! - [`playground_url`]: the playground's configuration in its link, read and written.
//! - [`sheet`]: where each digit of a grid sits on the one canvas that shows them.

pub mod compare;
pub mod curves_file;
pub mod data;
pub mod example;
pub mod my_digits;
pub mod notice;
pub mod paced;
pub mod playground_url;
pub mod run;
pub mod saved;
pub mod sheet;

pub use data::DataStatus;
pub use example::ExampleView;
pub use notice::{LinkFailure, Notice};
pub use run::{CurvePoint, Curves, EpochResult, Run};
pub use saved::{Autosave, SavedRun, StorageProblem, StoreAction};
