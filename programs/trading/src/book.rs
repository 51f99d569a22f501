//! The order book as a view over the `OrderBook` account's bytes: the header, the seats and the two
//! sorted sides (see `state::OrderBook` for the layout). Pure data-structure code, no token movements;
//! the matching engine (`engine.rs`) is built on it.
//!
//! Each side is sorted **worst first**: `side[len - 1]` is the best order. Order of priority: bids by
//! higher price, asks by lower price, then by lower order id (earlier). Costs with n resting orders per
//! side: best O(1); insert O(log n) comparisons + one `memmove` of the better orders; remove O(1) at the
//! best, one `memmove` elsewhere; find by id O(n).
use anchor_lang::prelude::*;
use bytemuck::{cast_slice_mut, from_bytes_mut};

use crate::{
    error::TradingError,
    state::{OrderBook, OrderSide, RestingOrder, Seat},
};

pub const HEADER_LEN: usize = core::mem::size_of::<OrderBook>();
pub const SEAT_LEN: usize = core::mem::size_of::<Seat>();
pub const ORDER_LEN: usize = core::mem::size_of::<RestingOrder>();

/// Account size (discriminator included) of a book with these capacities.
pub fn book_space(order_capacity: u32, seat_capacity: u32) -> usize {
    8 + HEADER_LEN + SEAT_LEN * seat_capacity as usize + 2 * ORDER_LEN * order_capacity as usize
}

pub struct Book<'a> {
    pub header: &'a mut OrderBook,
    pub seats: &'a mut [Seat],
    bids: &'a mut [RestingOrder],
    asks: &'a mut [RestingOrder],
}

/// Does an order at `price` on `side` have a better price than `other`?
fn better_price(side: OrderSide, price: u64, other: u64) -> bool {
    match side {
        OrderSide::Buy => price > other,
        OrderSide::Sell => price < other,
    }
}

/// Would a `taker` order at `price` trade with a resting opposite order at `resting`?
pub fn crosses(taker: OrderSide, price: u64, resting: u64) -> bool {
    match taker {
        OrderSide::Buy => price >= resting,
        OrderSide::Sell => price <= resting,
    }
}

impl<'a> Book<'a> {
    /// `data` is the account data after the discriminator; its length must be exactly what the
    /// header's capacities need (checked, `InvalidBookAccount`).
    pub fn from_bytes(data: &'a mut [u8]) -> Result<Self> {
        require!(data.len() >= HEADER_LEN, TradingError::InvalidBookAccount);
        let (head, rest) = data.split_at_mut(HEADER_LEN);
        let header: &mut OrderBook = from_bytes_mut(head);
        let seats_len = SEAT_LEN * header.seat_capacity as usize;
        let side_len = ORDER_LEN * header.order_capacity as usize;
        require!(rest.len() == seats_len + 2 * side_len, TradingError::InvalidBookAccount);
        let (seats, rest) = rest.split_at_mut(seats_len);
        let (bids, asks) = rest.split_at_mut(side_len);
        Ok(Book { header, seats: cast_slice_mut(seats), bids: cast_slice_mut(bids), asks: cast_slice_mut(asks) })
    }

    pub fn len(&self, side: OrderSide) -> usize {
        match side {
            OrderSide::Buy => self.header.bid_count as usize,
            OrderSide::Sell => self.header.ask_count as usize,
        }
    }

    fn set_len(&mut self, side: OrderSide, len: usize) {
        let len = len as u32; // ≤ order_capacity, a u32
        match side {
            OrderSide::Buy => self.header.bid_count = len,
            OrderSide::Sell => self.header.ask_count = len,
        }
    }

    /// The resting orders of `side`, worst first.
    pub fn side(&self, side: OrderSide) -> &[RestingOrder] {
        let len = self.len(side);
        match side {
            OrderSide::Buy => &self.bids[..len],
            OrderSide::Sell => &self.asks[..len],
        }
    }

    fn side_mut(&mut self, side: OrderSide) -> &mut [RestingOrder] {
        match side {
            OrderSide::Buy => &mut self.bids[..],
            OrderSide::Sell => &mut self.asks[..],
        }
    }

    pub fn best(&self, side: OrderSide) -> Option<RestingOrder> {
        self.side(side).last().copied()
    }

    pub fn best_mut(&mut self, side: OrderSide) -> Option<&mut RestingOrder> {
        let len = self.len(side);
        if len == 0 {
            return None;
        }
        Some(&mut self.side_mut(side)[len - 1])
    }

    /// `true` when the best bid's price reaches the best ask's.
    pub fn is_crossed(&self) -> bool {
        match (self.best(OrderSide::Buy), self.best(OrderSide::Sell)) {
            (Some(bid), Some(ask)) => bid.price >= ask.price,
            _ => false,
        }
    }

    /// How many of `side`'s best orders cross the opposite side's best order (0 when either side is empty):
    /// the part of the book an auction clears.
    pub fn crossing_count(&self, side: OrderSide) -> usize {
        let Some(opposite) = self.best(side.opposite()) else { return 0 };
        self.side(side).iter().rev().take_while(|o| crosses(side, o.price, opposite.price)).count()
    }

    /// Rests `order` behind every order of the same price (it is the newest). `BookFull` when the side
    /// holds `order_capacity` orders.
    pub fn insert(&mut self, side: OrderSide, order: RestingOrder) -> Result<()> {
        let len = self.len(side);
        require!(len < self.header.order_capacity as usize, TradingError::BookFull);
        // Entries strictly worse in price stay below; equal prices are older, so better: they stay above.
        let at = self.side(side).partition_point(|o| better_price(side, order.price, o.price));
        let orders = self.side_mut(side);
        orders.copy_within(at..len, at + 1);
        orders[at] = order;
        self.set_len(side, len + 1);
        Ok(())
    }

    /// Removes and returns the entry at `index`.
    pub fn remove(&mut self, side: OrderSide, index: usize) -> RestingOrder {
        let len = self.len(side);
        let orders = self.side_mut(side);
        let removed = orders[index];
        orders.copy_within(index + 1..len, index);
        self.set_len(side, len - 1);
        removed
    }

    pub fn pop_best(&mut self, side: OrderSide) -> Option<RestingOrder> {
        let len = self.len(side);
        (len > 0).then(|| self.remove(side, len - 1))
    }

    /// Drops the `count` best orders of `side` (after a batch auction filled them).
    pub fn truncate_best(&mut self, side: OrderSide, count: usize) {
        let len = self.len(side);
        self.set_len(side, len - count.min(len));
    }

    pub fn set_entry(&mut self, side: OrderSide, index: usize, order: RestingOrder) {
        self.side_mut(side)[index] = order;
    }

    /// `(side, index)` of the resting order `order_id`.
    pub fn find(&self, order_id: u64) -> Option<(OrderSide, usize)> {
        for side in [OrderSide::Buy, OrderSide::Sell] {
            if let Some(i) = self.side(side).iter().position(|o| o.order_id == order_id) {
                return Some((side, i));
            }
        }
        None
    }

    /// The seat at `slot`, which must belong to `owner` (`WrongSeat`).
    pub fn seat_of(&mut self, slot: u32, owner: &Pubkey) -> Result<&mut Seat> {
        let seat = self.seats.get_mut(slot as usize).ok_or(TradingError::WrongSeat)?;
        require!(slot < self.header.seat_count && seat.owner == *owner, TradingError::WrongSeat);
        Ok(seat)
    }

    pub fn seat(&mut self, slot: u32) -> Result<&mut Seat> {
        self.seats.get_mut(slot as usize).ok_or_else(|| error!(TradingError::ArithmeticOverflow))
    }

    pub fn next_order_id(&mut self) -> Result<u64> {
        let id = self.header.next_order_id;
        self.header.next_order_id = id.checked_add(1).ok_or(TradingError::ArithmeticOverflow)?;
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(id: u64, price: u64) -> RestingOrder {
        RestingOrder {
            order_id: id,
            price,
            remaining_wh: 1,
            erc_expires_at: i64::MAX,
            erc_certificate: Pubkey::default(),
            trader_slot: 0,
            _reserved: 0,
        }
    }

    fn with_book(cap: u32, f: impl FnOnce(&mut Book)) {
        let mut words = vec![0u64; (book_space(cap, 1) - 8) / 8];
        let data: &mut [u8] = bytemuck::cast_slice_mut(&mut words[..]);
        let header: &mut OrderBook = from_bytes_mut(&mut data[..HEADER_LEN]);
        header.order_capacity = cap;
        header.seat_capacity = 1;
        let mut book = Book::from_bytes(data).unwrap();
        f(&mut book);
    }

    #[test]
    fn price_time_priority_and_full_side() {
        with_book(4, |book| {
            for (id, price) in [(0, 10), (1, 12), (2, 10), (3, 11)] {
                book.insert(OrderSide::Buy, order(id, price)).unwrap();
            }
            let ids: Vec<u64> = book.side(OrderSide::Buy).iter().map(|o| o.order_id).collect();
            assert_eq!(ids, vec![2, 0, 3, 1]); // worst first: 10 (newer), 10, 11, 12
            assert!(book.insert(OrderSide::Buy, order(4, 99)).is_err());
            assert_eq!(book.pop_best(OrderSide::Buy).unwrap().order_id, 1);
            assert_eq!(book.find(0), Some((OrderSide::Buy, 1)));
            assert_eq!(book.remove(OrderSide::Buy, 1).order_id, 0);
            let ids: Vec<u64> = book.side(OrderSide::Buy).iter().map(|o| o.order_id).collect();
            assert_eq!(ids, vec![2, 3]);
        });
        with_book(3, |book| {
            for (id, price) in [(0, 10), (1, 8), (2, 8)] {
                book.insert(OrderSide::Sell, order(id, price)).unwrap();
            }
            let ids: Vec<u64> = book.side(OrderSide::Sell).iter().map(|o| o.order_id).collect();
            assert_eq!(ids, vec![0, 2, 1]); // worst first: 10, 8 (newer), 8
        });
    }
}
