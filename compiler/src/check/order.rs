//! Topological order, stages and cycles of a workflow's dependency graph.
//!
//! Everything here is iterative (Kahn's algorithm, an explicit-stack Tarjan, a BFS), so
//! a chain of any length is ordered without deep recursion.

use std::collections::VecDeque;

/// The order of a workflow without cycles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Order {
    /// Node indices (source order) sorted by stage, then by source order: a topological
    /// order in which each stage is contiguous.
    pub order: Vec<u32>,
    /// Per node (source order): the length of the longest path from a node without deps.
    pub stage: Vec<u32>,
}

/// Orders `deps` (per node, the nodes it reads, in source-order indices; sorted, no
/// duplicates). On cycles, returns one cycle per strongly connected component, each as
/// the path `[a, b, ..., z]` where `a` reads `b`, ..., and `z` reads `a`, starting at the
/// component's first node in source order. Components are in source order of that node.
pub(super) fn order(deps: &[Vec<u32>]) -> Result<Order, Vec<Vec<u32>>> {
    let n = deps.len();
    let mut readers: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut waiting: Vec<usize> = Vec::with_capacity(n);
    for (i, ds) in deps.iter().enumerate() {
        waiting.push(ds.len());
        for &d in ds {
            readers[d as usize].push(i as u32);
        }
    }
    let mut stage = vec![0u32; n];
    let mut queue: VecDeque<u32> = (0..n as u32)
        .filter(|&i| waiting[i as usize] == 0)
        .collect();
    let mut done = 0usize;
    while let Some(i) = queue.pop_front() {
        done += 1;
        for &r in &readers[i as usize] {
            let r = r as usize;
            stage[r] = stage[r].max(stage[i as usize] + 1);
            waiting[r] -= 1;
            if waiting[r] == 0 {
                queue.push_back(r as u32);
            }
        }
    }
    if done < n {
        return Err(cycles(deps, &waiting));
    }
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_by_key(|&i| (stage[i as usize], i));
    Ok(Order { order, stage })
}

/// One cycle per cyclic strongly connected component among the nodes Kahn's algorithm
/// could not order (`waiting[i] > 0`).
fn cycles(deps: &[Vec<u32>], waiting: &[usize]) -> Vec<Vec<u32>> {
    let n = deps.len();
    let stuck = |i: u32| waiting[i as usize] > 0;
    // Tarjan's algorithm with an explicit stack of (node, next edge to look at).
    const UNSEEN: u32 = u32::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut comp = vec![UNSEEN; n];
    let mut comps: Vec<Vec<u32>> = Vec::new();
    let mut next = 0u32;
    for root in 0..n as u32 {
        if !stuck(root) || index[root as usize] != UNSEEN {
            continue;
        }
        let mut work: Vec<(u32, usize)> = vec![(root, 0)];
        index[root as usize] = next;
        low[root as usize] = next;
        next += 1;
        stack.push(root);
        on_stack[root as usize] = true;
        while let Some(&mut (v, ref mut edge)) = work.last_mut() {
            let vs = v as usize;
            if let Some(&w) = deps[vs].get(*edge) {
                *edge += 1;
                if !stuck(w) {
                    continue;
                }
                let ws = w as usize;
                if index[ws] == UNSEEN {
                    index[ws] = next;
                    low[ws] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[ws] = true;
                    work.push((w, 0));
                } else if on_stack[ws] {
                    low[vs] = low[vs].min(index[ws]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent as usize] = low[parent as usize].min(low[vs]);
            }
            if low[vs] == index[vs] {
                let id = comps.len() as u32;
                let mut members = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w as usize] = false;
                    comp[w as usize] = id;
                    members.push(w);
                    if w == v {
                        break;
                    }
                }
                comps.push(members);
            }
        }
    }
    let mut found: Vec<Vec<u32>> = Vec::new();
    for (id, members) in comps.iter().enumerate() {
        let Some(&start) = members.iter().min() else {
            continue;
        };
        let self_loop = deps[start as usize].binary_search(&start).is_ok();
        if members.len() == 1 && !self_loop {
            continue;
        }
        found.push(shortest_cycle(deps, &comp, id as u32, start));
    }
    found.sort_by_key(|c| c[0]);
    found
}

/// The shortest path from `start` back to itself inside component `id`, by BFS.
fn shortest_cycle(deps: &[Vec<u32>], comp: &[u32], id: u32, start: u32) -> Vec<u32> {
    if deps[start as usize].binary_search(&start).is_ok() {
        return vec![start];
    }
    let mut parent: Vec<u32> = vec![u32::MAX; deps.len()];
    let mut queue = VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in &deps[v as usize] {
            if comp[w as usize] != id {
                continue;
            }
            if w == start {
                let mut path = vec![v];
                let mut at = v;
                while at != start {
                    at = parent[at as usize];
                    path.push(at);
                }
                path.reverse();
                return path;
            }
            if parent[w as usize] == u32::MAX && w != start {
                parent[w as usize] = v;
                queue.push_back(w);
            }
        }
    }
    // A cyclic component always has a path back to its start; should it not, the start
    // alone still names a node on the cycle.
    vec![start]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_longest_paths() {
        // 0 <- 1 <- 3, 0 <- 2, 3 also reads 2 and 0.
        let deps = vec![vec![], vec![0], vec![0], vec![0, 1, 2]];
        let o = order(&deps).expect("acyclic");
        assert_eq!(o.stage, vec![0, 1, 1, 2]);
        assert_eq!(o.order, vec![0, 1, 2, 3]);
    }

    #[test]
    fn cycles_are_found_in_order() {
        // 0 reads 1, 1 reads 2, 2 reads 0: one cycle; 3 reads itself; 4 reads 0 (not on a cycle).
        let deps = vec![vec![1], vec![2], vec![0], vec![3], vec![0]];
        let c = order(&deps).expect_err("cyclic");
        assert_eq!(c, vec![vec![0, 1, 2], vec![3]]);
    }

    #[test]
    fn a_ten_thousand_deep_chain_does_not_overflow() {
        let n = 10_000u32;
        let mut deps: Vec<Vec<u32>> = (0..n)
            .map(|i| if i == 0 { vec![] } else { vec![i - 1] })
            .collect();
        let o = order(&deps).expect("acyclic");
        assert_eq!(o.stage[n as usize - 1], n - 1);
        // Closing the chain into one big cycle.
        deps[0] = vec![n - 1];
        let c = order(&deps).expect_err("cyclic");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].len(), n as usize);
        assert_eq!(c[0][0], 0);
        assert_eq!(c[0][1], n - 1);
    }
}
