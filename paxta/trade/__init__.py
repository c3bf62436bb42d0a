"""Trade records: customs and bill-of-lading data, their parties and the exposure they show."""
