//! Building a long list a few items per task. After an epoch the gallery's 40 digits and a
//! confusion cell's 60 change at once, and a canvas per digit built in one task would hold the
//! main thread for longer than a frame on a slow CPU; the page instead moves what it shows
//! towards what it wants by [`next_shown`], one task at a time.

/// Items one step (one task) may add.
pub const PER_TASK: usize = 8;

/// What to show after one more task, given what is `wanted` and what is `shown`: every item
/// still wanted that is shown stays, items no longer wanted go at once, and up to `per_task`
/// wanted items that are not shown yet come in — all in `wanted`'s order. Reaches `wanted`
/// after `⌈new / per_task⌉` steps (one step when nothing is new).
pub fn next_shown<T: PartialEq + Clone>(wanted: &[T], shown: &[T], per_task: usize) -> Vec<T> {
    let mut budget = per_task;
    wanted
        .iter()
        .filter(|item| {
            if shown.contains(item) {
                true
            } else if budget > 0 {
                budget -= 1;
                true
            } else {
                false
            }
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Steps from `shown` to `wanted`, each step's result.
    fn steps(wanted: &[u32], mut shown: Vec<u32>, per_task: usize) -> Vec<Vec<u32>> {
        let mut seen = Vec::new();
        while shown != wanted {
            shown = next_shown(wanted, &shown, per_task);
            seen.push(shown.clone());
            assert!(
                seen.len() <= wanted.len() + 1,
                "never reaches what is wanted"
            );
        }
        seen
    }

    #[test]
    fn an_empty_grid_fills_per_task_items_at_a_time_in_order() {
        let wanted: Vec<u32> = (0..20).collect();
        let seen = steps(&wanted, Vec::new(), 8);
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[0], (0..8).collect::<Vec<_>>());
        assert_eq!(seen[1], (0..16).collect::<Vec<_>>());
        assert_eq!(seen[2], wanted);
    }

    #[test]
    fn kept_items_stay_gone_ones_leave_at_once_and_new_ones_take_their_places() {
        let shown = vec![1, 2, 3, 4];
        let wanted = vec![0, 2, 4, 5, 6, 7];
        let first = next_shown(&wanted, &shown, 2);
        // 1 and 3 leave in the first step; 2 and 4 stay; 0 and 5 are the first two new ones.
        assert_eq!(first, vec![0, 2, 4, 5]);
        assert_eq!(next_shown(&wanted, &first, 2), wanted);
    }

    #[test]
    fn nothing_new_takes_one_step_whatever_the_budget() {
        assert_eq!(next_shown(&[3, 1], &[1, 2, 3], 0), vec![3, 1]);
        assert_eq!(next_shown::<u32>(&[], &[1, 2], 8), Vec::<u32>::new());
    }
}
