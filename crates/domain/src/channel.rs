use crate::labels::labelled;

labelled!(
    /// How a topic entered the platform; fixed at birth and shown forever.
    Channel {
        Leadership => "leadership", "党政点题";
        Resident => "resident", "群众出题";
        Committee => "committee", "委员荐题";
    }
);

impl Channel {
    /// The role the submitter acts in, as the timeline names it.
    pub fn submitter_role(&self) -> crate::Role {
        match self {
            Channel::Resident => crate::Role::Resident,
            Channel::Committee => crate::Role::CommitteeMember,
            Channel::Leadership => crate::Role::Leader,
        }
    }
}
