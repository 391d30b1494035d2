//! Filling a grid of figures a few per task. After an epoch the gallery's 40 digits and a
//! confusion cell's 60 change at once; creating them all in one task would hold the main
//! thread for longer than a frame on a slow CPU. The grid instead keeps a row of figures
//! (slots) that stay, and moves what they show towards what it wants by [`next_slots`], one
//! task at a time. Each step is a frame the browser draws too, so steps are few: a slot that
//! changes costs little (its image is a few thousand bytes put on the grid's one canvas, its
//! caption a text), a new slot more ([`Budget`]).

/// What one step (one task) may do to a grid's slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Slots that exist and change what they show.
    pub changes: usize,
    /// Slots added at the end (a new slot is built, which costs several changes).
    pub additions: usize,
}

impl Budget {
    /// The same number of changes and additions.
    pub const fn uniform(slots: usize) -> Self {
        Budget {
            changes: slots,
            additions: slots,
        }
    }
}

/// The playground's grids: a changed slot is a caption and a small image put on the grid's
/// canvas; a new one is a button, a figure and their reactive parts (about five times the work,
/// measured on a 4×-throttled CPU).
pub const PER_TASK: Budget = Budget {
    changes: 10,
    additions: 2,
};

/// What the slots show after one more task, given what is `wanted` and what is `shown`:
/// slots past the end of `wanted` go at once; a slot that already shows its wanted item stays
/// as it is; other slots, in order, take their wanted item as long as the budget lasts (up to
/// `budget.changes` slots that exist change what they show, up to `budget.additions` new ones
/// are added at the end); the slots left over keep their old item until a later step, and no
/// slot is added after one that could not be. Reaches `wanted` in finitely many steps when both
/// budgets are positive (one step when nothing but removals is needed).
pub fn next_slots<T: PartialEq + Clone>(wanted: &[T], shown: &[T], budget: Budget) -> Vec<T> {
    let (mut changes, mut additions) = (budget.changes, budget.additions);
    let mut next = Vec::with_capacity(wanted.len());
    for (slot, item) in wanted.iter().enumerate() {
        match shown.get(slot) {
            Some(old) if old == item => next.push(old.clone()),
            Some(_) if changes > 0 => {
                changes -= 1;
                next.push(item.clone());
            }
            Some(old) => next.push(old.clone()),
            None if additions > 0 => {
                additions -= 1;
                next.push(item.clone());
            }
            None => break,
        }
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Steps from `shown` to `wanted`, each step's result.
    fn steps(wanted: &[u32], mut shown: Vec<u32>, budget: Budget) -> Vec<Vec<u32>> {
        let mut seen = Vec::new();
        while shown != wanted {
            shown = next_slots(wanted, &shown, budget);
            seen.push(shown.clone());
            assert!(
                seen.len() <= wanted.len() + 1,
                "never reaches what is wanted"
            );
        }
        seen
    }

    #[test]
    fn an_empty_grid_fills_per_task_slots_at_a_time_in_order() {
        let wanted: Vec<u32> = (0..10).collect();
        let seen = steps(&wanted, Vec::new(), Budget::uniform(4));
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[0], (0..4).collect::<Vec<_>>());
        assert_eq!(seen[1], (0..8).collect::<Vec<_>>());
        assert_eq!(seen[2], wanted);
    }

    #[test]
    fn slots_that_show_their_item_stay_and_the_others_change_in_order() {
        let shown = vec![1, 2, 3, 4, 5];
        let wanted = vec![0, 2, 9, 8, 5, 7];
        // Slot 1 (2) and slot 4 (5) already show theirs; slots 0 and 2 change first, slot 3
        // keeps 4 for now, and slot 5 is added (from the budget of additions).
        let first = next_slots(&wanted, &shown, Budget::uniform(2));
        assert_eq!(first, vec![0, 2, 9, 4, 5, 7]);
        assert_eq!(next_slots(&wanted, &first, Budget::uniform(2)), wanted);
    }

    #[test]
    fn extra_slots_go_at_once_whatever_the_budget() {
        assert_eq!(
            next_slots(&[1, 2], &[1, 2, 3, 4], Budget::uniform(0)),
            vec![1, 2]
        );
        assert_eq!(
            next_slots::<u32>(&[], &[1, 2], Budget::uniform(8)),
            Vec::<u32>::new()
        );
    }

    #[test]
    fn new_slots_have_a_budget_of_their_own() {
        let budget = Budget {
            changes: 3,
            additions: 1,
        };
        // Two slots change, then one is added; the fourth waits for the next step.
        let first = next_slots(&[7, 8, 9, 10], &[1, 2], budget);
        assert_eq!(first, vec![7, 8, 9]);
        assert_eq!(
            next_slots(&[7, 8, 9, 10], &first, budget),
            vec![7, 8, 9, 10]
        );
        // An empty grid fills one slot per step; changes alone add nothing.
        assert_eq!(steps(&[1, 2, 3], Vec::new(), budget).len(), 3);
        let no_additions = Budget {
            changes: 5,
            additions: 0,
        };
        assert_eq!(next_slots(&[1, 2, 3], &[0], no_additions), vec![1]);
    }

    #[test]
    fn a_step_changes_at_most_per_task_slots() {
        let wanted: Vec<u32> = (100..140).collect();
        let mut shown: Vec<u32> = (0..40).collect();
        while shown != wanted {
            let next = next_slots(&wanted, &shown, Budget::uniform(4));
            let changed = next
                .iter()
                .enumerate()
                .filter(|(i, item)| shown.get(*i) != Some(item))
                .count();
            assert!(changed <= 4 && changed > 0, "{changed} slots changed");
            shown = next;
        }
    }
}
