use crate::labels::labelled;

labelled!(
    /// How a topic entered the platform; fixed at birth and shown forever.
    Channel {
        Leadership => "leadership", "党政点题";
        Resident => "resident", "群众出题";
        Committee => "committee", "委员荐题";
    }
);
