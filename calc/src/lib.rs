pub mod copay;
