//! Turning sliced list operations into streams of items.

use std::collections::HashSet;
use std::future::Future;

use futures::Stream;

use crate::error::Error;

/// One slice of a paginated list.
///
/// Generated code implements this for list responses (the Open API's sliced responses carry
/// `result`, `hasNext` and `offset`; the cursor is the next offset as text).
pub trait Page {
    /// The list's item type.
    type Item;

    /// The items of this slice, and the cursor to fetch the next slice with (`None` when this
    /// is the last slice).
    fn into_page(self) -> (Vec<Self::Item>, Option<String>);
}

/// Streams every item of a paginated list, fetching slices on demand.
///
/// `fetch` is called with `first_cursor` for the first slice, then with each slice's next
/// cursor. A slice is fetched only when the consumer has taken every item of the previous one,
/// so stopping early (e.g. with `take`) stops fetching. After an error the stream yields that
/// error and ends.
///
/// A server that hands out a cursor it has already returned would make this loop forever; the
/// stream then yields the slice's items followed by [`Error::RepeatedCursor`] and ends.
///
/// The stream is not `Unpin` when the fetch future is not; pin it (`std::pin::pin!` or
/// `Box::pin`) before calling `next()`.
///
/// ```no_run
/// # use openapi_client_runtime::{Error, Page, paginate};
/// # use futures::StreamExt;
/// # struct Slice { result: Vec<u64>, has_next: bool, offset: u64 }
/// # impl Page for Slice {
/// #     type Item = u64;
/// #     fn into_page(self) -> (Vec<u64>, Option<String>) {
/// #         let next = self.has_next.then(|| (self.offset + 1).to_string());
/// #         (self.result, next)
/// #     }
/// # }
/// # async fn fetch(offset: Option<String>) -> Result<Slice, Error<std::convert::Infallible>> { todo!() }
/// # async fn run() -> Result<(), Error<std::convert::Infallible>> {
/// let items = paginate(None, fetch);
/// let mut items = std::pin::pin!(items);
/// while let Some(item) = items.next().await {
///     println!("{}", item?);
/// }
/// # Ok(()) }
/// ```
pub fn paginate<P, E, F, Fut>(
    first_cursor: Option<String>,
    fetch: F,
) -> impl Stream<Item = Result<P::Item, Error<E>>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<P, Error<E>>>,
    P: Page,
{
    let mut seen = HashSet::new();
    if let Some(cursor) = &first_cursor {
        seen.insert(cursor.clone());
    }
    let state = State {
        fetch,
        items: Vec::new().into_iter(),
        next: Next::Fetch(first_cursor),
        seen,
    };
    futures::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.items.next() {
                return Some((Ok(item), state));
            }
            match std::mem::replace(&mut state.next, Next::Done) {
                Next::Done => return None,
                Next::Fail(error) => return Some((Err(error), state)),
                Next::Fetch(cursor) => match (state.fetch)(cursor).await {
                    Err(error) => return Some((Err(error), state)),
                    Ok(page) => {
                        let (items, next_cursor) = page.into_page();
                        state.items = items.into_iter();
                        state.next = match next_cursor {
                            None => Next::Done,
                            Some(cursor) if !state.seen.insert(cursor.clone()) => {
                                Next::Fail(Error::RepeatedCursor { cursor })
                            }
                            Some(cursor) => Next::Fetch(Some(cursor)),
                        };
                    }
                },
            }
        }
    })
}

struct State<F, I, E> {
    fetch: F,
    items: std::vec::IntoIter<I>,
    next: Next<E>,
    seen: HashSet<String>,
}

enum Next<E> {
    Fetch(Option<String>),
    Fail(Error<E>),
    Done,
}
