//! How each implementation names the group-file actions and their parameters
//! (docs/onebot-implementations.md#group-files-and-folders), in one table: [`dialect`] picks the row of a detected implementation,
//! and the functions below build each action call from it.

use lizi_core::Gin;
use lizi_onebot::Profile;
use serde_json::{json, Value};

/// One implementation's names for the group-file actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// The implementation, as failures name it.
    pub name: &'static str,
    /// `create_group_file_folder`'s parameter for the new folder's name.
    pub folder_name_param: &'static str,
    /// Whether `create_group_file_folder` takes `parent_id` (always the root).
    pub parent_id: bool,
    /// The action that deletes a folder.
    pub delete_folder: &'static str,
    /// Whether `rename_group_file_folder` exists.
    pub rename_folder: bool,
    /// `move_group_file`'s source and target folder parameters, when it exists.
    pub move_folders: Option<(&'static str, &'static str)>,
    /// Whether file actions take the file's `busid`.
    pub busid: bool,
}

/// The table: NapCat, Lagrange.OneBot, LLOneBot, and go-cqhttp's documentation for an
/// implementation lizi does not recognise.
pub const DIALECTS: [(Option<Profile>, Dialect); 4] = [
    (
        Some(Profile::NapCat),
        Dialect {
            name: "NapCat",
            folder_name_param: "folder_name",
            parent_id: false,
            delete_folder: "delete_group_folder",
            rename_folder: false,
            move_folders: Some(("current_parent_directory", "target_parent_directory")),
            busid: false,
        },
    ),
    (
        Some(Profile::Lagrange),
        Dialect {
            name: "Lagrange.OneBot",
            folder_name_param: "name",
            parent_id: true,
            delete_folder: "delete_group_file_folder",
            rename_folder: true,
            move_folders: Some(("parent_directory", "target_directory")),
            busid: true,
        },
    ),
    (
        Some(Profile::LLOneBot),
        Dialect {
            name: "LLOneBot",
            folder_name_param: "name",
            parent_id: true,
            delete_folder: "delete_group_folder",
            rename_folder: true,
            move_folders: Some(("parent_directory", "target_directory")),
            busid: false,
        },
    ),
    (
        None,
        Dialect {
            name: "the OneBot implementation",
            folder_name_param: "name",
            parent_id: true,
            delete_folder: "delete_group_folder",
            rename_folder: false,
            move_folders: None,
            busid: true,
        },
    ),
];

/// The row of `profile` (`None`: an implementation lizi does not recognise).
pub fn dialect(profile: Option<Profile>) -> &'static Dialect {
    let found = DIALECTS.iter().find(|(row, _)| *row == profile);
    found.map_or(&DIALECTS[3].1, |(_, dialect)| dialect)
}

/// An action and its parameters.
pub type ActionCall = (&'static str, Value);

impl Dialect {
    /// `create_group_file_folder` for a folder `name` at the root.
    pub fn create_folder(&self, group: Gin, name: &str) -> ActionCall {
        let mut params = json!({"group_id": group});
        params[self.folder_name_param] = json!(name);
        if self.parent_id {
            params["parent_id"] = json!("/");
        }
        ("create_group_file_folder", params)
    }

    /// The folder delete.
    pub fn delete_folder(&self, group: Gin, folder_id: &str) -> ActionCall {
        (
            self.delete_folder,
            json!({"group_id": group, "folder_id": folder_id}),
        )
    }

    /// `rename_group_file_folder`, when the implementation has it.
    pub fn rename_folder(&self, group: Gin, folder_id: &str, name: &str) -> Option<ActionCall> {
        self.rename_folder.then(|| {
            let params =
                json!({"group_id": group, "folder_id": folder_id, "new_folder_name": name});
            ("rename_group_file_folder", params)
        })
    }

    /// `move_group_file` from folder id `from` to folder id `to`, when the implementation
    /// has it.
    pub fn move_file(&self, group: Gin, file_id: &str, from: &str, to: &str) -> Option<ActionCall> {
        let (from_param, to_param) = self.move_folders?;
        let mut params = json!({"group_id": group, "file_id": file_id});
        params[from_param] = json!(from);
        params[to_param] = json!(to);
        Some(("move_group_file", params))
    }

    /// A file action (`delete_group_file`, `get_group_file_url`) on `file_id`.
    pub fn on_file(
        &self,
        action: &'static str,
        group: Gin,
        file_id: &str,
        busid: i64,
    ) -> ActionCall {
        let mut params = json!({"group_id": group, "file_id": file_id});
        if self.busid {
            params["busid"] = json!(busid);
        }
        (action, params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_has_its_own_row_and_others_get_go_cqhttps() {
        for profile in Profile::ALL {
            assert_eq!(
                DIALECTS.iter().filter(|(p, _)| *p == Some(profile)).count(),
                1
            );
        }
        assert_eq!(dialect(None).name, "the OneBot implementation");
        assert_eq!(dialect(Some(Profile::Lagrange)).name, "Lagrange.OneBot");
    }

    #[test]
    fn folders_are_created_with_each_implementations_names() {
        let napcat = dialect(Some(Profile::NapCat)).create_folder(5, "docs");
        assert_eq!(
            napcat,
            (
                "create_group_file_folder",
                json!({"group_id": 5, "folder_name": "docs"})
            )
        );
        let lagrange = dialect(Some(Profile::Lagrange)).create_folder(5, "docs");
        assert_eq!(
            lagrange.1,
            json!({"group_id": 5, "name": "docs", "parent_id": "/"})
        );
    }

    #[test]
    fn lagrange_deletes_folders_with_its_own_action() {
        let delete = |p| dialect(Some(p)).delete_folder(5, "/f").0;
        assert_eq!(delete(Profile::Lagrange), "delete_group_file_folder");
        assert_eq!(delete(Profile::NapCat), "delete_group_folder");
        assert_eq!(delete(Profile::LLOneBot), "delete_group_folder");
    }

    #[test]
    fn napcat_cannot_rename_folders() {
        assert_eq!(
            dialect(Some(Profile::NapCat)).rename_folder(5, "/f", "x"),
            None
        );
        for profile in [Profile::Lagrange, Profile::LLOneBot] {
            assert_eq!(
                dialect(Some(profile)).rename_folder(5, "/f", "x"),
                Some((
                    "rename_group_file_folder",
                    json!({"group_id": 5, "folder_id": "/f", "new_folder_name": "x"})
                ))
            );
        }
    }

    #[test]
    fn moves_name_the_folders_as_each_implementation_does() {
        let napcat = dialect(Some(Profile::NapCat)).move_file(5, "/x", "/", "/f");
        assert_eq!(
            napcat.map(|call| call.1),
            Some(json!({"group_id": 5, "file_id": "/x",
                "current_parent_directory": "/", "target_parent_directory": "/f"}))
        );
        for profile in [Profile::Lagrange, Profile::LLOneBot] {
            let call = dialect(Some(profile)).move_file(5, "/x", "/", "/f");
            assert_eq!(
                call.map(|call| call.1),
                Some(json!({"group_id": 5, "file_id": "/x",
                    "parent_directory": "/", "target_directory": "/f"}))
            );
        }
        assert_eq!(dialect(None).move_file(5, "/x", "/", "/f"), None);
    }

    #[test]
    fn busid_goes_only_to_implementations_that_read_it() {
        let call = |p| dialect(p).on_file("delete_group_file", 5, "/x", 102).1;
        assert_eq!(
            call(Some(Profile::NapCat)),
            json!({"group_id": 5, "file_id": "/x"})
        );
        assert_eq!(
            call(Some(Profile::Lagrange)),
            json!({"group_id": 5, "file_id": "/x", "busid": 102})
        );
    }
}
