//! Turning sliced list operations into streams of items.

use std::collections::HashSet;
use std::future::Future;

use futures::{Stream, TryStreamExt as _};

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

/// One fetched slice of a paginated list, with the cursors to resume from.
///
/// Yielded by the `pages()` stream of a generated list request (built on [`paginate_pages`]).
/// Store [`next_cursor`](Self::next_cursor) after handling a slice; to resume after a failure,
/// set it as the list request's cursor parameter (e.g. `offset`) and stream again.
#[derive(Debug, Clone, PartialEq)]
pub struct Slice<T> {
    items: Vec<T>,
    cursor: Option<String>,
    next_cursor: Option<String>,
}

impl<T> Slice<T> {
    /// The items of this slice.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The items of this slice, by value.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// The cursor this slice was fetched with (`None` for a first slice fetched without one).
    pub fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }

    /// The cursor of the next slice; `None` when this is the last one.
    pub fn next_cursor(&self) -> Option<&str> {
        self.next_cursor.as_deref()
    }
}

/// Streams the slices of a paginated list, fetching them on demand.
///
/// `fetch` is called with `first_cursor` for the first slice, then with each slice's next
/// cursor; a slice is fetched only when the consumer asks for it. After an error the stream
/// yields that error and ends. A cursor the server already returned ends the stream with
/// [`Error::RepeatedCursor`] after the slice that returned it (which would otherwise loop
/// forever).
///
/// The stream is `Send` and `'static` when `fetch` and its futures are.
pub fn paginate_pages<P, E, F, Fut>(
    first_cursor: Option<String>,
    fetch: F,
) -> impl Stream<Item = Result<Slice<P::Item>, Error<E>>>
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
        next: Next::Fetch(first_cursor),
        seen,
    };
    futures::stream::unfold(state, |mut state| async move {
        match std::mem::replace(&mut state.next, Next::Done) {
            Next::Done => None,
            Next::Fail(error) => Some((Err(error), state)),
            Next::Fetch(cursor) => match (state.fetch)(cursor.clone()).await {
                Err(error) => Some((Err(error), state)),
                Ok(page) => {
                    let (items, next_cursor) = page.into_page();
                    state.next = match &next_cursor {
                        None => Next::Done,
                        Some(next) if !state.seen.insert(next.clone()) => {
                            Next::Fail(Error::RepeatedCursor {
                                cursor: next.clone(),
                            })
                        }
                        Some(next) => Next::Fetch(Some(next.clone())),
                    };
                    let slice = Slice {
                        items,
                        cursor,
                        next_cursor,
                    };
                    Some((Ok(slice), state))
                }
            },
        }
    })
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
/// `Box::pin`) before calling `next()`. It is `Send` and `'static` when `fetch` and its futures
/// are.
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
    paginate_pages(first_cursor, fetch)
        .map_ok(|slice| futures::stream::iter(slice.items.into_iter().map(Ok)))
        .try_flatten()
}

struct State<F, E> {
    fetch: F,
    next: Next<E>,
    seen: HashSet<String>,
}

enum Next<E> {
    Fetch(Option<String>),
    Fail(Error<E>),
    Done,
}
