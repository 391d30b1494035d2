//! The datasets in both languages: their names in the dataset menu, the data status line and
//! their class names. English comes from the engine ([`DatasetKind::class_names`], as the
//! command line prints them); 中文 is written here, label by label.

use neurite::DatasetKind;

use super::{Lang, Tr};

/// Fashion-MNIST's classes in 中文, by label (the engine's English beside each).
const FASHION_ZH: [&str; 10] = [
    "T恤/上衣", // T-shirt/top
    "裤子",     // Trouser
    "套头衫",   // Pullover
    "连衣裙",   // Dress
    "外套",     // Coat
    "凉鞋",     // Sandal
    "衬衫",     // Shirt
    "运动鞋",   // Sneaker
    "包",       // Bag
    "短靴",     // Ankle boot
];

/// The name of class `class` of `dataset` in `lang` (its number past the dataset's classes).
pub fn class_name(dataset: DatasetKind, class: usize, lang: Lang) -> String {
    match (dataset, lang) {
        (DatasetKind::FashionMnist, Lang::Zh) => FASHION_ZH
            .get(class)
            .map_or_else(|| class.to_string(), |name| (*name).to_owned()),
        _ => dataset.class_name(class),
    }
}

/// The dataset's entry in the menu: its name and what it holds.
pub fn menu_entry(dataset: DatasetKind) -> Tr {
    match dataset {
        DatasetKind::Mnist => Tr {
            en: "MNIST — handwritten digits",
            zh: "MNIST（手写数字）",
        },
        DatasetKind::FashionMnist => Tr {
            en: "Fashion-MNIST — clothes, shoes and bags",
            zh: "Fashion-MNIST（服装、鞋和包）",
        },
    }
}

/// The status line while `dataset` loads.
pub fn loading(dataset: DatasetKind, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Loading {}…", dataset.title()),
        Lang::Zh => format!("正在加载 {}……", dataset.title()),
    }
}

/// The status line once `dataset` is loaded (`train` training images in `millis`).
pub fn loaded(dataset: DatasetKind, train: usize, millis: f64, lang: Lang) -> String {
    let seconds = millis / 1000.0;
    match lang {
        Lang::En => format!("{} loaded ({train}, {seconds:.1} s)", dataset.title()),
        Lang::Zh => format!("{} 已加载（{train}，{seconds:.1} 秒）", dataset.title()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_has_a_name_in_both_languages() {
        for dataset in DatasetKind::ALL {
            for class in 0..10 {
                let (en, zh) = (
                    class_name(dataset, class, Lang::En),
                    class_name(dataset, class, Lang::Zh),
                );
                assert_eq!(en, dataset.class_name(class));
                assert!(!zh.is_empty());
            }
            let entry = menu_entry(dataset);
            assert_ne!(entry.en, entry.zh);
            assert!(loading(dataset, Lang::Zh).contains(dataset.title()));
        }
        assert_eq!(class_name(DatasetKind::Mnist, 3, Lang::Zh), "3");
        let fashion = |class| {
            (
                class_name(DatasetKind::FashionMnist, class, Lang::En),
                class_name(DatasetKind::FashionMnist, class, Lang::Zh),
            )
        };
        assert_eq!(fashion(0), ("T-shirt/top".into(), "T恤/上衣".into()));
        assert_eq!(fashion(9), ("Ankle boot".into(), "短靴".into()));
        assert_eq!(fashion(12).1, "12");
    }

    #[test]
    fn the_status_line_names_the_dataset() {
        let fashion = DatasetKind::FashionMnist;
        assert_eq!(loading(fashion, Lang::En), "Loading Fashion-MNIST…");
        assert_eq!(
            loaded(fashion, 60_000, 512.0, Lang::En),
            "Fashion-MNIST loaded (60000, 0.5 s)"
        );
        assert_eq!(
            loaded(DatasetKind::Mnist, 60_000, 512.0, Lang::Zh),
            "MNIST 已加载（60000，0.5 秒）"
        );
    }
}
