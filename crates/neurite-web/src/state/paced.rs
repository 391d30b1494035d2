//! Filling a grid of figures a few per task. After an epoch the gallery's 40 digits and a
//! confusion cell's 60 change at once; creating them all in one task would hold the main
//! thread for longer than a frame on a slow CPU. The grid instead keeps a row of figures
//! (slots) that stay, and moves what they show towards what it wants by [`next_slots`], one
//! task at a time. Each step is a frame the browser draws too, so steps are few: a slot costs
//! little (its image is a few thousand bytes put on the grid's one canvas, its caption a text).

/// Slots one step (one task) may create or change.
pub const PER_TASK: usize = 10;

/// What the slots show after one more task, given what is `wanted` and what is `shown`:
/// slots past the end of `wanted` go at once; a slot that already shows its wanted item stays
/// as it is; up to `per_task` other slots, in order, take their wanted item (a slot that
/// exists changes what it shows, a new one is added at the end); the slots left over keep
/// their old item until a later step. Reaches `wanted` after `⌈changed / per_task⌉` steps
/// (one step when nothing but removals is needed).
pub fn next_slots<T: PartialEq + Clone>(wanted: &[T], shown: &[T], per_task: usize) -> Vec<T> {
    let mut budget = per_task;
    let mut next = Vec::with_capacity(wanted.len());
    for (slot, item) in wanted.iter().enumerate() {
        match shown.get(slot) {
            Some(old) if old == item => next.push(old.clone()),
            _ if budget > 0 => {
                budget -= 1;
                next.push(item.clone());
            }
            Some(old) => next.push(old.clone()),
            None => break,
        }
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Steps from `shown` to `wanted`, each step's result.
    fn steps(wanted: &[u32], mut shown: Vec<u32>, per_task: usize) -> Vec<Vec<u32>> {
        let mut seen = Vec::new();
        while shown != wanted {
            shown = next_slots(wanted, &shown, per_task);
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
        let seen = steps(&wanted, Vec::new(), 4);
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
        // keeps 4 for now, and slot 5 is not added yet.
        let first = next_slots(&wanted, &shown, 2);
        assert_eq!(first, vec![0, 2, 9, 4, 5]);
        assert_eq!(next_slots(&wanted, &first, 2), wanted);
    }

    #[test]
    fn extra_slots_go_at_once_whatever_the_budget() {
        assert_eq!(next_slots(&[1, 2], &[1, 2, 3, 4], 0), vec![1, 2]);
        assert_eq!(next_slots::<u32>(&[], &[1, 2], 8), Vec::<u32>::new());
    }

    #[test]
    fn a_step_changes_at_most_per_task_slots() {
        let wanted: Vec<u32> = (100..140).collect();
        let mut shown: Vec<u32> = (0..40).collect();
        while shown != wanted {
            let next = next_slots(&wanted, &shown, 4);
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
