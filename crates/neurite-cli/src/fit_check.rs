//! Whether a saved model can take the inputs and labels it is about to be given.
//!
//! The engine treats a mismatched input width as a bug and panics; a model file comes from the
//! user, so the CLI checks first and reports a mismatch as an error.

use neurite::{Dataset, Error, Result, Sequential};

/// Checks that `model` takes samples of `features` numbers.
pub fn input(model: &Sequential<f32>, features: usize) -> Result<()> {
    if model.input_features() == features {
        Ok(())
    } else {
        Err(Error::Dataset(format!(
            "samples have {features} features but the model takes {} (input shape {:?})",
            model.input_features(),
            model.spec().input_shape
        )))
    }
}

/// Checks that `model` takes `data`'s samples and outputs a score for each of its classes.
pub fn dataset(model: &Sequential<f32>, data: &Dataset) -> Result<()> {
    input(model, data.features())?;
    let outputs = model.output_features();
    let classes = if outputs == 1 { 2 } else { outputs };
    if data.classes() > classes {
        return Err(Error::Dataset(format!(
            "the data has {} classes but the model outputs {outputs}",
            data.classes()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use neurite::ModelSpec;

    use super::*;

    #[test]
    fn mismatched_widths_and_class_counts_are_errors() {
        let model = Sequential::from_spec(&ModelSpec::seed_mlp(), 1).unwrap();
        input(&model, 784).unwrap();
        assert!(input(&model, 10).unwrap_err().to_string().contains("784"));
        let eleven = Dataset::new(vec![784], vec![0; 784], vec![10], 11).unwrap();
        let err = dataset(&model, &eleven).unwrap_err().to_string();
        assert!(err.contains("11 classes"), "{err}");
        let ten = Dataset::new(vec![784], vec![0; 784], vec![9], 10).unwrap();
        dataset(&model, &ten).unwrap();
    }
}
