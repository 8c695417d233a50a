//! JMeter: the CSV and XML JTL files of samples, the CSV layout (from a
//! header, or inferred when JMeter saved none), and the summariser lines it
//! prints on the console and to `jmeter.log`.
//!
//! [`sample`] is what the JTL readers share (one sample and how it becomes a
//! request). May depend on the decoder contract, the run model and
//! [`super::shared`].

pub(crate) mod csv;
pub(crate) mod layout;
pub(crate) mod sample;
pub(crate) mod summariser;
pub(crate) mod xml;
